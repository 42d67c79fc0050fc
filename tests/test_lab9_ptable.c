/*
 * test_lab9_ptable.c - lab 9's process table and wait bookkeeping
 * (labs/lab9-proc/ptable.c): pids and the table's bound, wait4's choice of a
 * zombie (by pid, any, none yet, no such child), orphans handed to an heir,
 * and the signal each exception means.
 */
#include "host.h"
#include "kproc.h"
#include "lab9_names.h"

/* Which process a call chose, as "pid 3 (PS_ZOMBIE)" or "NULL", for a failed check's line. */
static const char *proc_name(const struct proc *p, char *buf, size_t size)
{
    if (!p)
        return "NULL";
    snprintf(buf, size, "pid %u (%s)", p->base.pid, proc_state_name(p->state));
    return buf;
}

#define CHECK_PROC(actual, expected)                                            \
    do {                                                                        \
        const struct proc *a_ = (actual), *e_ = (expected);                     \
        char an_[48], en_[48];                                                  \
        if (a_ != e_) {                                                         \
            printf("  %s:%d: %s == %s, expected %s\n", __FILE__, __LINE__,      \
                   #actual, proc_name(a_, an_, sizeof an_), proc_name(e_, en_, sizeof en_)); \
            host_current_failed = 1;                                            \
        }                                                                       \
    } while (0)

static struct ptable table;
static struct proc procs[PROC_LIMIT + 1];

static struct proc *add(struct proc *p, struct proc *parent)
{
    memset(p, 0, sizeof *p);
    p->parent = parent;
    CHECK(ptable_add(&table, p) > 0);
    return p;
}

TEST(pids_count_up_and_the_table_is_bounded)
{
    memset(&table, 0, sizeof table);
    for (int i = 0; i < PROC_LIMIT; i++) {
        memset(&procs[i], 0, sizeof procs[i]);
        CHECK_EQ(ptable_add(&table, &procs[i]), i + 1);
    }
    CHECK_NAMED(ptable_add(&table, &procs[PROC_LIMIT]), -EAGAIN, errno_name);
    ptable_remove(&table, &procs[3]);
    CHECK_PROC(ptable_find(&table, 4), NULL);
    CHECK_EQ(ptable_add(&table, &procs[PROC_LIMIT]), PROC_LIMIT + 1);   /* pids never reused */
    CHECK_PROC(ptable_find(&table, PROC_LIMIT + 1), &procs[PROC_LIMIT]);
    CHECK_EQ(table.count, PROC_LIMIT);
}

TEST(wait_chooses_a_zombie_child)
{
    int err = 99;

    memset(&table, 0, sizeof table);
    struct proc *init = add(&procs[0], NULL), *a = add(&procs[1], init), *b = add(&procs[2], init);
    struct proc *other = add(&procs[3], a);
    CHECK_PROC(ptable_zombie_child(&table, init, -1, &err), NULL);
    CHECK_NAMED(err, 0, errno_name);                    /* children alive: sleep */
    other->state = PS_ZOMBIE;
    CHECK_PROC(ptable_zombie_child(&table, init, -1, &err), NULL);    /* a grandchild is not ours */
    b->state = PS_ZOMBIE;
    CHECK_PROC(ptable_zombie_child(&table, init, -1, &err), b);
    CHECK_PROC(ptable_zombie_child(&table, init, (int)a->base.pid, &err), NULL);
    CHECK_NAMED(err, 0, errno_name);
    CHECK_PROC(ptable_zombie_child(&table, init, (int)other->base.pid, &err), NULL);
    CHECK_NAMED(err, -ECHILD, errno_name);              /* not init's child */
    CHECK_PROC(ptable_zombie_child(&table, other, -1, &err), NULL);
    CHECK_NAMED(err, -ECHILD, errno_name);              /* no children at all */
}

TEST(orphans_go_to_the_heir)
{
    int err;

    memset(&table, 0, sizeof table);
    struct proc *init = add(&procs[0], NULL), *a = add(&procs[1], init);
    struct proc *g1 = add(&procs[2], a), *g2 = add(&procs[3], a);
    g2->state = PS_ZOMBIE;
    CHECK_EQ(ptable_reparent(&table, a, init), 2);
    CHECK(g1->parent == init && g2->parent == init);
    CHECK_PROC(ptable_zombie_child(&table, init, -1, &err), g2);      /* the heir reaps it */
    CHECK(ptable_descends(g1, init));
    CHECK(!ptable_descends(init, g1));
    CHECK_EQ(ptable_reparent(&table, init, NULL), 3);  /* the first process: the kernel's */
    CHECK_PROC(ptable_zombie_child(&table, NULL, -1, &err), g2);
    CHECK_EQ(ptable_reparent(&table, a, init), 0);
}

TEST(each_exception_has_linux_s_signal)
{
    CHECK_EQ(signal_of_vector(0), SIGFPE);
    CHECK_EQ(signal_of_vector(1), SIGTRAP);
    CHECK_EQ(signal_of_vector(3), SIGTRAP);
    CHECK_EQ(signal_of_vector(6), SIGILL);
    CHECK_EQ(signal_of_vector(13), SIGSEGV);
    CHECK_EQ(signal_of_vector(14), SIGSEGV);
    CHECK_EQ(signal_of_vector(16), SIGFPE);
    CHECK_EQ(signal_of_vector(17), SIGBUS);
    CHECK_EQ(WSTATUS_EXITED(300), 44 << 8);
    CHECK_EQ(WSTATUS_SIGNALED(SIGKILL), 9);
}

int main(void)
{
    RUN(pids_count_up_and_the_table_is_bounded);
    RUN(wait_chooses_a_zombie_child);
    RUN(orphans_go_to_the_heir);
    RUN(each_exception_has_linux_s_signal);
    return host_summary("lab9-ptable");
}
