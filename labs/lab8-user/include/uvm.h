/*
 * uvm.h - lab 8's machinery: the frame pool, page tables, ELF checks, the
 * initial stack, the ring 3 frame and switch, the page-fault policy (pure
 * code: the host tests run them), and what the kernel files share
 * (paging.c, load.c, process.c, syscall.c, sysfile.c, vfs.c). Public since
 * lab 9, which builds fork, exec and its descriptors on exactly these.
 */
#ifndef CAIRN_LAB8_UVM_H
#define CAIRN_LAB8_UVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "process.h"

/* ---- frames.c: a bitmap of the frames below USER_BASE ----------------------- */
#define FRAME_LIMIT  USER_BASE          /* frames above are not identity-mapped */
#define FRAME_COUNT  (FRAME_LIMIT / PAGE_SIZE)
#define FRAME_WORDS  (FRAME_COUNT / 32)

struct frame_pool {
    uint32_t usable[FRAME_WORDS];       /* bit set: the frame belongs to the pool */
    uint32_t free[FRAME_WORDS];         /* bit set: free */
    uint32_t total, nfree, hint;        /* hint: the word the next search starts at */
    uint8_t refs[FRAME_COUNT];          /* mappings of each used frame (lab 9 shares them) */
};
void frames_init(struct frame_pool *p);
/* Add the whole frames inside [base, end) (clipped to FRAME_LIMIT); take out those
   that touch [base, end). Reserve after adding. */
void frames_add(struct frame_pool *p, uint64_t base, uint64_t end);
void frames_reserve(struct frame_pool *p, uint64_t base, uint64_t end);
uint32_t frame_alloc(struct frame_pool *p);             /* a physical address, or 0 */
/* Drop one reference; the frame is free when none is left. Panics: foreign, unaligned,
   double. Lab 8 alone never shares a frame, so each free frees. */
void frame_free(struct frame_pool *p, uint32_t pa);
bool frame_is_free(const struct frame_pool *p, uint32_t pa);
/* Lab 9's copy-on-write: one more mapping of a used frame (false at FRAME_REFS_MAX). */
#define FRAME_REFS_MAX 255u
bool frame_share(struct frame_pool *p, uint32_t pa);
uint32_t frame_refs(const struct frame_pool *p, uint32_t pa);     /* 0: free */

/* Where the kernel reaches a frame (paging.c: identity; the host tests: an array). */
void *frame_kva(uint32_t pa);
void tlb_invalidate(uint32_t va);       /* invlpg where a mapping changed */

/* ---- pgtable.c: two-level i386 tables (SDM Vol. 3A, 4.3, Tables 4-5 and 4-6) ---- */
typedef uint32_t pte_t;
#define PTE_P    0x001                  /* present */
#define PTE_W    0x002                  /* writable */
#define PTE_U    0x004                  /* user */
#define PTE_COW  0x200                  /* lab 9: shared copy-on-write (a bit the CPU ignores) */
#define PTE_ADDR(e) ((e) & ~0xFFFu)
#define PDX(va)  ((uint32_t)(va) >> 22)             /* directory index: bits 31-22 */
#define PTX(va)  (((uint32_t)(va) >> 12) & 0x3FF)   /* table index: bits 21-12 */
#define PGOFF(va) ((uint32_t)(va) & 0xFFF)
#define PT_ENTRIES 1024
#define PAGE_ROUND_DOWN(a) ((uint32_t)(a) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_UP(a)   (((uint32_t)(a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* The entry for va; with `create`, a missing table is made (counted in *frames). */
pte_t *pgtable_walk(struct frame_pool *fp, uint32_t pgdir, uint32_t va, bool create,
                    uint32_t *frames);
/* Map va to pa with flags (PTE_P added): 0, or -1 if no frame for a table. */
int pgtable_map(struct frame_pool *fp, uint32_t pgdir, uint32_t va, uint32_t pa, uint32_t flags,
                uint32_t *frames);
/* Free every user page and table of [USER_BASE, USER_TOP), then the directory. */
void pgtable_free_user(struct frame_pool *fp, uint32_t pgdir);
/* A new directory whose kernel half is kernel_pgdir's (0: no frame). */
uint32_t pgtable_new_dir(struct frame_pool *fp, uint32_t kernel_pgdir);

/* ---- elf.c: ELF32 i386 executables (System V ABI, ELF spec 1.2, Book I ch. 1-2) ---- */
#define ELF_MAX_SEGMENTS 8
struct elf_segment {
    uint32_t vaddr, memsz, offset, filesz;
    bool writable;
};
struct elf_image {
    uint32_t entry;
    int nsegments;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    uint32_t end;                       /* the highest segment end: the heap starts above */
};
/* `head` is the file's first `len` bytes (len = min(size, its buffer)); `size` the
   whole file's. 0, or -1 with the reason in why. */
int elf_check(const uint8_t *head, uint32_t len, uint32_t size, struct elf_image *img,
              char *why, size_t whylen);

/* ---- ustack.c: the Linux i386 initial stack (System V i386 ABI, 3-31) ---- */
#define AT_NULL   0
#define AT_PAGESZ 6
#define AT_ENTRY  9
/* Build it in `page`, the stack's top page (its top is USER_TOP); *esp gets the
   stack pointer to start with. -1 if the strings and vectors do not fit. */
int ustack_build(uint8_t page[PAGE_SIZE], int argc, const char *const argv[], uint32_t entry,
                 uint32_t *esp);

/* ---- the kernel's part ---------------------------------------------------------- */
extern struct frame_pool frame_pool;
extern uint32_t kernel_pgdir;           /* physical; every directory's kernel half */
void paging_init(void);                 /* frames from the memory map, tables, CR0.PG */
void paging_switch(uint32_t pgdir);     /* load CR3 unless it is already loaded */
/* A not-present fault at va in p's heap or stack gets a zero page: true if so. */
bool uvm_fault_in(struct process *p, uint32_t va);

/* ---- ring3.c (pure): entering ring 3, switching to a process ------------------- */
/* What iret pops to return to ring 3, lowest address first (SDM Vol. 3A, Figure 6-4). */
struct iret_frame {
    uint32_t eip, cs, eflags, esp, ss;
};
#define EFLAGS_RESERVED1 0x00000002u    /* always 1; EFLAGS_IF is x86.h's */
#define EFLAGS_IOPL      0x00003000u    /* the ring that may use in, out, cli, sti */
/* The frame that starts a program at eip with its stack at esp, in ring 3. */
void user_frame_init(struct iret_frame *f, uint32_t eip, uint32_t esp);
void user_iret(const struct iret_frame *f) __attribute__((noreturn));  /* userentry.S */
void user_iret_not_implemented(void);   /* the students' userentry.S stub */
/* Interrupts masked: p's kernel stack in the TSS and its directory in CR3 (p NULL:
   a kernel thread, the kernel's directory). */
void uvm_switch(const struct process *p, uint32_t kernel_stack_top);

/* ---- fault.c (pure): which missing pages a process gets on first touch ---------- */
/* The page-fault error code (SDM Vol. 3A, 4.7, Figure 4-12). */
#define PF_ERR_PRESENT  0x01            /* the page was present: a protection fault */
#define PF_ERR_WRITE    0x02
#define PF_ERR_USER     0x04            /* the access was made in ring 3 */
#define PF_ERR_RESERVED 0x08            /* a reserved bit set in an entry */
enum fault_action { FAULT_KILL, FAULT_GROW_STACK, FAULT_MAP_HEAP };
/* What a fault in ring 3 at va (CR2) with this error code does to p. */
enum fault_action fault_policy(const struct process *p, uint32_t va, uint32_t error);
/* The end of the heap or stack run holding va (pages made on first touch), or 0. */
uint32_t uvm_demand_end(const struct process *p, uint32_t va);
/* uvm_fault_in's work, interrupts masked by the caller: a zeroed page at va. */
bool uvm_make_page(struct process *p, uint32_t va);

/* uaccess.c (pure): p's memory as the kernel reaches it, through frame_kva. */
/* May the kernel touch [va, va+len) for p (write it, if `write`)? Makes no page. */
bool uaccess_ok(struct process *p, uint32_t va, uint32_t len, bool write);
/* After uaccess_ok said yes: untouched pages read as zeros; written ones are made
   (copy_out: 0, or -EFAULT when the pool is empty). */
void copy_in(struct process *p, void *dst, uint32_t va, uint32_t len);
int copy_out(struct process *p, uint32_t va, const void *src, uint32_t len);
int load_program(struct process *p, const char *path, int argc, const char *const argv[]);
/* The segments only, into p->pgdir; sets p->entry, heap_start, brk. With `report`, a
   failure prints "run PATH: WHY" (exec fails quietly). 0 or -errno. */
int load_image(struct process *p, const char *path, bool report);
void process_exit(int code) __attribute__((noreturn));
/* For a later lab: end p as lab 8 does (files, pages, thread); its own state first. */
void process_set_end_hook(void (*hook)(struct process *p));
struct trapframe;
void process_fault(struct trapframe *tf);       /* lab 8's user fault hook */
/* Lab 8's system calls by number (what a later lab's dispatcher does not handle). */
int32_t syscall_lab8(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3);
struct process *process_current(void);
void syscall_init(void);
/* sysnames.c: Linux's name for i386 system call nr (syscall_32.tbl), or NULL if none. */
const char *linux_syscall_name(uint32_t nr);
extern struct user_stats ustats;

/* vfs.c: a lock around lab 7 (it is not reentrant), lookups across volumes. */
struct fat_volume;
struct fat_node;
void vfs_lock(void);
void vfs_unlock(void);
/* The first volume that has path: 0 (with *vol and *node), or a FAT error. */
int vfs_lookup(const char *path, struct fat_volume **vol, struct fat_node *node);
/* An empty file at path on the first volume that has its directory (lock held). */
int vfs_create(const char *path, struct fat_volume **vol, struct fat_node *node);
/* The first volume that has path's parent directory: 0, or a FAT error (lock held). */
int vfs_parent(const char *path, struct fat_volume **vol);

/* inode.c: one object per open file, shared by its descriptors (vfs lock held). */
struct inode;
/* The inode of the file whose entry is node on vol (made if none is open): NULL if no memory. */
struct inode *inode_get(struct fat_volume *vol, const struct fat_node *node, const char *path);
void inode_put(struct inode *ip);
const struct fat_node *inode_node(const struct inode *ip);     /* its entry now */
int32_t inode_read(struct inode *ip, uint32_t offset, void *buf, uint32_t len);
/* Lab 7's append and truncate to 0; the entry is read again after either. FAT errors. */
int inode_append(struct inode *ip, uint32_t len, void (*fill)(void *arg, uint32_t offset,
                 uint8_t *buf, uint32_t len), void *arg);
int inode_truncate(struct inode *ip);

/* sysfile.c */
struct file;
void files_init(struct process *p);     /* 0, 1, 2: the console */
void files_close_all(struct process *p);
struct trapframe;
int32_t sys_read(uint32_t fd, uint32_t buf, uint32_t len);
int32_t sys_write(uint32_t fd, uint32_t buf, uint32_t len);
int32_t sys_open(uint32_t path, uint32_t flags, uint32_t mode);
int32_t sys_close(uint32_t fd);
int32_t sys_nanosleep(uint32_t req, uint32_t rem);

/* Linux's errno values (asm-generic/errno-base.h, errno.h): returned negated. */
#define EPERM   1
#define ENOENT  2
#define ESRCH   3
#define EINTR   4
#define EIO     5
#define E2BIG   7
#define ENOEXEC 8
#define EBADF   9
#define ECHILD  10
#define EAGAIN  11
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EXDEV   18
#define ENOTDIR 20
#define EISDIR  21
#define EINVAL  22
#define EMFILE  24
#define ENOTTY  25
#define EFBIG   27
#define ENOSPC  28
#define ESPIPE  29
#define EROFS   30
#define EPIPE   32
#define ERANGE  34
#define ENAMETOOLONG 36
#define ENOSYS  38
#define ENOTEMPTY 39

#endif
