/*
 * pipe.c - pipe(2) and pipe2(2): a one-page buffer (pipebuf.c) between a
 * read end and a write end, with Linux's blocking rules (pipe(7)): a read
 * waits until there are bytes, or returns 0 (end of file) once no writer is
 * left; a write waits for room until every byte is in, and with no reader
 * left returns -EPIPE (what a program ignoring SIGPIPE gets). Each end is
 * one open-file object; dup and fork count their descriptors there, and the
 * pipe counts only the objects, so a pipe sees EOF when the last descriptor
 * of its write end anywhere is closed.
 */
#include "heap.h"
#include "kstring.h"
#include "panic.h"
#include "kproc.h"
#include "x86.h"

#define CHUNK 512                       /* bytes moved under the lock per step */

struct pipe {
    struct mutex lock;
    struct waitq readers_q, writers_q;  /* waiting for bytes / for room */
    struct pipebuf buf;
    uint32_t readers, writers;          /* open ends */
    uint32_t frame;                     /* the buffer's page */
};

static struct ofile *end_of(struct pipe *pp, enum ofile_kind kind)
{
    struct ofile *of = kzalloc(sizeof *of);

    if (of) {
        of->kind = kind;
        of->refs = 1;
        of->flags = kind == OF_PIPE_READ ? O_RDONLY : O_WRONLY;
        of->pipe = pp;
    }
    return of;
}

int pipe_create(struct ofile **rd, struct ofile **wr)
{
    struct pipe *pp = kzalloc(sizeof *pp);
    intr_state_t fl = intr_disable();
    uint32_t frame = pp ? frame_alloc(&frame_pool) : 0;

    intr_restore(fl);
    *rd = frame ? end_of(pp, OF_PIPE_READ) : NULL;
    *wr = *rd ? end_of(pp, OF_PIPE_WRITE) : NULL;
    if (!*wr) {
        kfree(*rd);
        if (frame) {
            fl = intr_disable();
            frame_free(&frame_pool, frame);
            intr_restore(fl);
        }
        kfree(pp);
        return -ENOMEM;
    }
    mutex_init(&pp->lock, "pipe");
    pp->frame = frame;
    pp->buf.data = frame_kva(frame);
    pp->readers = pp->writers = 1;
    return 0;
}

/*
 * Exercise 6c: read up to len bytes into the user's ubuf (checked by the
 * caller). Under the pipe's lock: while the buffer is empty, return 0 if no
 * writer is left, else sleep on readers_q (proc_sleep; -EINTR if a signal
 * came). Then take what is there, up to len, CHUNK at a time through a
 * kernel buffer into copy_out, wake the writers (there is room now), and
 * return how many bytes. Never wait for more once some arrived.
 */
int32_t pipe_read(struct pipe *pp, uint32_t ubuf, uint32_t len)
{
    uint8_t chunk[CHUNK];
    int32_t done = 0;

    /* LAB 9: BEGIN SOLUTION */
    mutex_lock(&pp->lock);
    while (pp->buf.count == 0 && pp->writers > 0) {
        int err = proc_sleep(&pp->readers_q, &pp->lock);
        if (err) {
            mutex_unlock(&pp->lock);
            return err;
        }
    }
    while ((uint32_t)done < len && pp->buf.count > 0) {
        uint32_t want = len - (uint32_t)done < CHUNK ? len - (uint32_t)done : CHUNK;
        uint32_t got = pipebuf_get(&pp->buf, chunk, want);
        if (copy_out(&proc_current()->base, ubuf + (uint32_t)done, chunk, got)) {
            done = done ? done : -EFAULT;
            break;
        }
        done += (int32_t)got;
    }
    waitq_wake_all(&pp->writers_q);
    mutex_unlock(&pp->lock);
    /* LAB 9: STUB
    (void)pp;
    (void)ubuf;
    (void)len;
    (void)chunk;
    panic("lab9: pipe_read not implemented");
    LAB 9: END SOLUTION */
    return done;
}

/*
 * Exercise 6d: write all len bytes of the user's ubuf. Under the lock, a
 * CHUNK at a time (copy_in into a kernel buffer, pipebuf_put what fits, wake
 * the readers): with no reader left, stop with -EPIPE (or the count written
 * so far, if any); with no room, sleep on writers_q (a signal: what was
 * written, or -EINTR). Return len.
 */
int32_t pipe_write(struct pipe *pp, uint32_t ubuf, uint32_t len)
{
    uint8_t chunk[CHUNK];
    uint32_t done = 0;

    /* LAB 9: BEGIN SOLUTION */
    mutex_lock(&pp->lock);
    while (done < len) {
        if (pp->readers == 0) {
            mutex_unlock(&pp->lock);
            return done ? (int32_t)done : -EPIPE;
        }
        if (pp->buf.count == PIPE_SIZE) {
            int err = proc_sleep(&pp->writers_q, &pp->lock);
            if (err) {
                mutex_unlock(&pp->lock);
                return done ? (int32_t)done : err;
            }
            continue;
        }
        uint32_t room = PIPE_SIZE - pp->buf.count, want = len - done;
        want = want < CHUNK ? want : CHUNK;
        want = want < room ? want : room;
        copy_in(&proc_current()->base, chunk, ubuf + done, want);
        done += pipebuf_put(&pp->buf, chunk, want);
        waitq_wake_all(&pp->readers_q);
    }
    mutex_unlock(&pp->lock);
    /* LAB 9: STUB
    (void)pp;
    (void)ubuf;
    (void)len;
    (void)chunk;
    panic("lab9: pipe_write not implemented");
    LAB 9: END SOLUTION */
    return (int32_t)done;
}

/*
 * Exercise 6e: one end's last descriptor is gone. Count it off and wake the
 * other side (readers see EOF, writers -EPIPE); when both ends are gone,
 * free the pipe and its page.
 */
void pipe_close(struct pipe *pp, bool writer)
{
    /* LAB 9: BEGIN SOLUTION */
    mutex_lock(&pp->lock);
    if (writer)
        pp->writers--;
    else
        pp->readers--;
    waitq_wake_all(writer ? &pp->readers_q : &pp->writers_q);
    bool last = pp->readers == 0 && pp->writers == 0;
    mutex_unlock(&pp->lock);
    if (!last)
        return;
    intr_state_t fl = intr_disable();
    frame_free(&frame_pool, pp->frame);
    intr_restore(fl);
    kfree(pp);
    /* LAB 9: STUB
    (void)pp;
    (void)writer;
    panic("lab9: pipe_close not implemented");
    LAB 9: END SOLUTION */
}
