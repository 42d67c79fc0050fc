/*
 * test_lab9_fdtable.c - lab 9's descriptors (labs/lab9-proc/fdtable.c) and a
 * pipe's ring (pipebuf.c): the lowest free descriptor, dup2 over an open one,
 * close-on-exec per descriptor, fork's copy counting every reference once
 * more, a dup2 copy never close-on-exec (whatever the original's flag), and
 * the ring against a model through thousands of random puts and gets.
 */
#include "host.h"
#include "kproc.h"
#include "x86.h"

static struct ofile files[4];

/* The host has no interrupts: the masks fdtable.c takes are counted, for the test that
   the reference counts change inside one. */
static int masks, masked;
intr_state_t intr_disable(void)
{
    masks++;
    masked++;
    return 1;
}

void intr_restore(intr_state_t was)
{
    (void)was;
    masked--;
}

/* The close-on-exec descriptors as a list, "{1, 5}", for a failed check's line. */
static const char *cloexec_list(uint32_t mask, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "{");
    for (uint32_t fd = 0; fd < 32 && n < size; fd++)
        if (mask & (1u << fd))
            n += (size_t)snprintf(buf + n, size - n, "%s%u", n > 1 ? ", " : "", fd);
    if (n < size)
        snprintf(buf + n, size - n, "}");
    return buf;
}

#define CHECK_CLOEXEC(table, want)                                              \
    do {                                                                        \
        char got_[128], want_[128];                                             \
        if ((table).cloexec != (want)) {                                        \
            printf("  %s:%d: close-on-exec descriptors %s, expected %s\n",      \
                   __FILE__, __LINE__, cloexec_list((table).cloexec, got_, sizeof got_), \
                   cloexec_list((want), want_, sizeof want_));                  \
            host_current_failed = 1;                                            \
        }                                                                       \
    } while (0)

static struct ofile *fresh(int i)
{
    memset(&files[i], 0, sizeof files[i]);
    files[i].refs = 1;
    return &files[i];
}

/* A fork takes its references with interrupts on: a tick between the load and the store
   of the count, switching to a child that closes the same file, would lose a change. */
TEST(reference_counts_change_with_interrupts_masked)
{
    struct ofile *of = fresh(0);
    masks = 0;
    ofile_get(of);
    CHECK_EQ(masks, 1);
    CHECK(!ofile_unref(of));
    CHECK(ofile_unref(of));
    CHECK_EQ(masks, 3);
    CHECK_EQ(masked, 0);
}

TEST(descriptors_take_the_lowest_free_number)
{
    struct fdtable t = { 0 };

    CHECK_EQ(fd_install(&t, fresh(0), 0, false), 0);
    CHECK_EQ(fd_install(&t, fresh(1), 0, true), 1);
    CHECK_EQ(fd_install(&t, fresh(2), 5, false), 5);
    CHECK(fd_remove(&t, 0) == &files[0]);
    CHECK_EQ(fd_install(&t, &files[0], 0, false), 0);
    for (int i = 2; i < PROC_MAX_FILES - 1; i++)
        CHECK(fd_install(&t, fresh(3), 0, false) >= 0);
    CHECK_EQ(fd_install(&t, fresh(3), 0, false), -EMFILE);
    CHECK(fd_get(&t, PROC_MAX_FILES) == NULL);
}

TEST(dup2_replaces_and_shares)
{
    struct fdtable t = { 0 };
    struct ofile *replaced;

    fd_install(&t, fresh(0), 0, false);
    fd_install(&t, fresh(1), 0, true);
    CHECK_EQ(fd_dup2(&t, 0, 1, &replaced), 1);
    CHECK(replaced == &files[1]);
    CHECK_EQ(files[0].refs, 2);
    CHECK_CLOEXEC(t, 0);                                /* the new descriptor's own flag */
    CHECK_EQ(fd_dup2(&t, 0, 0, &replaced), 0);
    CHECK(replaced == NULL);
    CHECK_EQ(files[0].refs, 2);
    CHECK_EQ(fd_dup2(&t, 7, 3, &replaced), -EBADF);
    CHECK(!ofile_unref(&files[0]));
    CHECK(ofile_unref(&files[0]));                      /* the last reference */
}

/* The copy never inherits the original's close-on-exec flag (dup2(2): FD_CLOEXEC "is off
   for the duplicate"); the original keeps its own. Then exec closes the original only. */
TEST(dup2_of_a_close_on_exec_descriptor_is_kept_across_exec)
{
    struct fdtable t = { 0 };
    struct ofile *replaced, *out[PROC_MAX_FILES];

    fd_install(&t, fresh(0), 0, false);
    fd_install(&t, fresh(1), 0, true);                  /* fd 1: open(..., O_CLOEXEC) */
    fd_install(&t, fresh(2), 7, true);                  /* fd 7: close-on-exec too */
    CHECK_EQ(fd_dup2(&t, 1, 5, &replaced), 5);          /* onto a free descriptor */
    CHECK_EQ(fd_dup2(&t, 1, 7, &replaced), 7);          /* onto a close-on-exec one */
    CHECK(replaced == &files[2]);
    CHECK_CLOEXEC(t, 1u << 1);                          /* fd 1 only: not 5, not 7 */
    CHECK_EQ(fd_take_all(&t, true, out), 1);            /* execve */
    CHECK(out[0] == &files[1]);
    CHECK(fd_get(&t, 5) == &files[1] && fd_get(&t, 7) == &files[1]);
    CHECK_EQ(files[1].refs, 3);                         /* fd 1's is the caller's to put */
}

TEST(fork_copies_references_and_exec_closes_only_cloexec)
{
    struct fdtable parent = { 0 }, child;
    struct ofile *out[PROC_MAX_FILES];

    fd_install(&parent, fresh(0), 0, false);
    fd_install(&parent, fresh(1), 0, true);
    fd_copy(&child, &parent);
    CHECK_EQ(files[0].refs, 2);
    CHECK_EQ(files[1].refs, 2);
    CHECK_EQ(fd_take_all(&child, true, out), 1);
    CHECK(out[0] == &files[1]);
    CHECK(fd_get(&child, 0) == &files[0]);
    CHECK_EQ(fd_take_all(&child, false, out), 1);
    CHECK(fd_get(&child, 0) == NULL);
}

TEST(the_pipe_ring_matches_a_model)
{
    static uint8_t data[PIPE_SIZE], model[1 << 20];
    struct pipebuf b = { .data = data };
    uint32_t in = 0, out = 0;
    uint8_t chunk[6000];

    for (int step = 0; step < 20000; step++) {
        uint32_t n = host_rng() % sizeof chunk;
        if (host_rng() % 2) {
            for (uint32_t i = 0; i < n; i++)
                chunk[i] = (uint8_t)(in + i);
            uint32_t put = pipebuf_put(&b, chunk, n);
            CHECK_EQ(put, n < PIPE_SIZE - (in - out) ? n : PIPE_SIZE - (in - out));
            for (uint32_t i = 0; i < put; i++)
                model[(in + i) % sizeof model] = chunk[i];
            in += put;
        } else {
            uint32_t got = pipebuf_get(&b, chunk, n);
            CHECK_EQ(got, n < in - out ? n : in - out);
            for (uint32_t i = 0; i < got; i++)
                if (chunk[i] != model[(out + i) % sizeof model]) {
                    CHECK_EQ(chunk[i], model[(out + i) % sizeof model]);
                    return;
                }
            out += got;
        }
        CHECK_EQ(b.count, in - out);
    }
}

int main(void)
{
    RUN(reference_counts_change_with_interrupts_masked);
    RUN(descriptors_take_the_lowest_free_number);
    RUN(dup2_replaces_and_shares);
    RUN(dup2_of_a_close_on_exec_descriptor_is_kept_across_exec);
    RUN(fork_copies_references_and_exec_closes_only_cloexec);
    RUN(the_pipe_ring_matches_a_model);
    return host_summary("lab9-fdtable");
}
