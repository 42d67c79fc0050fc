/*
 * load.c - a program from a lab 7 volume into a fresh address space: check
 * its ELF headers (elf.c), map each PT_LOAD segment page by page with its
 * permissions and fill it from the file (the rest of a page, BSS included,
 * stays zero), then the stack's top page with argc, argv and auxv
 * (ustack.c). Nothing runs until all of it worked; on an error the caller
 * frees what was mapped.
 */
#include "fat.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "uvm.h"
#include "x86.h"

static uint8_t head[PAGE_SIZE];         /* the file's first page: under the vfs lock only */

/* A zeroed frame mapped at va for p (interrupts masked: the pool is everyone's). */
static uint32_t map_zero_page(struct process *p, uint32_t va, uint32_t flags)
{
    intr_state_t fl = intr_disable();
    uint32_t pa = frame_alloc(&frame_pool);

    if (pa) {
        memset(frame_kva(pa), 0, PAGE_SIZE);
        if (pgtable_map(&frame_pool, p->pgdir, va, pa, flags, &p->frames)) {
            frame_free(&frame_pool, pa);
            pa = 0;
        } else {
            p->frames++;
        }
    }
    intr_restore(fl);
    return pa;
}

/*
 * Exercise 6b: map the pages of segment s (user; writable if s->writable) and
 * copy its file bytes into them with fat_read, through the frames' kernel
 * addresses (frame_kva): the text is read-only for the program, not for us.
 * A page two segments share is mapped once, writable if either is. 0, -ENOMEM
 * or -EIO.
 */
static int load_segment(struct process *p, struct fat_volume *vol, const struct fat_node *file,
                        const struct elf_segment *s)
{
    /* LAB 8: BEGIN SOLUTION */
    uint32_t flags = PTE_U | (s->writable ? PTE_W : 0);

    for (uint32_t va = PAGE_ROUND_DOWN(s->vaddr); va < s->vaddr + s->memsz; va += PAGE_SIZE) {
        pte_t *pte = pgtable_walk(&frame_pool, p->pgdir, va, false, 0);
        uint32_t pa;
        if (pte && (*pte & PTE_P)) {
            pa = PTE_ADDR(*pte);
            *pte |= flags;
        } else if (!(pa = map_zero_page(p, va, flags))) {
            return -ENOMEM;
        }
        /* The file bytes that fall in this page: [from, to) of the segment's memory. */
        uint32_t from = va > s->vaddr ? va : s->vaddr;
        uint32_t to = va + PAGE_SIZE < s->vaddr + s->filesz ? va + PAGE_SIZE : s->vaddr + s->filesz;
        if (from < to) {
            uint8_t *dst = (uint8_t *)frame_kva(pa) + PGOFF(from);
            if (fat_read(vol, file, s->offset + (from - s->vaddr), dst, to - from) !=
                (int32_t)(to - from))
                return -EIO;
        }
    }
    return 0;
    /* LAB 8: STUB
    (void)p;
    (void)vol;
    (void)file;
    (void)s;
    (void)map_zero_page;
    panic("lab8: load_segment not implemented");
    LAB 8: END SOLUTION */
}

static int load_stack(struct process *p, int argc, const char *const argv[], uint32_t entry)
{
    uint32_t pa = map_zero_page(p, USER_TOP - PAGE_SIZE, PTE_W | PTE_U);

    if (!pa)
        return -ENOMEM;
    if (ustack_build(frame_kva(pa), argc, argv, entry, &p->user_esp))
        return -E2BIG;
    return 0;
}

/* Say why a load failed, for run= (a failed execve says nothing: it returns -errno). */
#define SAY(...) do { if (report) kprintf(__VA_ARGS__); } while (0)

static int image_locked(struct process *p, const char *path, bool report)
{
    struct fat_volume *vol;
    struct fat_node file;
    struct elf_image img;
    char why[160];
    int err = vfs_lookup(path, &vol, &file);

    if (err) {
        SAY("run %s: %s\n", path, err == FAT_ENOENT ? "not found on any volume"
                                                     : fat_strerror(err));
        return err == FAT_ENOENT || err == FAT_ENOTDIR ? -ENOENT : -EIO;
    }
    if (fat_node_is_dir(&file)) {
        SAY("run %s: a directory\n", path);
        return -EACCES;                 /* Linux's execve of a directory */
    }
    int32_t got = fat_read(vol, &file, 0, head, file.size < PAGE_SIZE ? file.size : PAGE_SIZE);
    if (got < 0) {
        SAY("run %s: %s\n", path, fat_strerror(got));
        return -EIO;
    }
    if (elf_check(head, (uint32_t)got, file.size, &img, why, sizeof why)) {
        SAY("run %s: refused: %s\n", path, why);
        return -ENOEXEC;
    }
    for (int i = 0; i < img.nsegments; i++) {
        if ((err = load_segment(p, vol, &file, &img.seg[i]))) {
            SAY("run %s: %s\n", path, err == -ENOMEM ? "no free frame" : "read error");
            return err;
        }
    }
    p->entry = img.entry;
    p->heap_start = p->brk = PAGE_ROUND_UP(img.end);
    return 0;
}

int load_image(struct process *p, const char *path, bool report)
{
    vfs_lock();
    int err = image_locked(p, path, report);
    vfs_unlock();
    return err;
}

int load_program(struct process *p, const char *path, int argc, const char *const argv[])
{
    int err = load_image(p, path, true);

    if (!err && (err = load_stack(p, argc, argv, p->entry)))
        kprintf("run %s: %s\n", path, err == -ENOMEM ? "no free frame"
                                                     : "arguments longer than a page");
    return err;
}
