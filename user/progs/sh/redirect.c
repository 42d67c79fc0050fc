/*
 * redirect.c - redirections, POSIX XCU 2.7: `< f` opens f to read, `> f`
 * creates or truncates it, `>> f` creates it or appends to it (O_APPEND,
 * open(2)), each on descriptor 0 or 1 or the digit written before it;
 * `N>&M` and `N<&M` make N a copy of M (dup2(2)). For a builtin, which runs
 * in the shell, each descriptor is saved before it changes and restored
 * after: saved copies are kept at 10 and above, out of the way of any
 * descriptor a redirection may name (Linux's fcntl F_DUPFD would do that in
 * one call; dup(2) gives the lowest free one, so we dup until it is high).
 */
#include "sh.h"

/* A copy of fd at SH_FD_SLOTS or above; -EBADF when fd is not open, or
 * the -errno of a dup that failed (no free descriptor up there). At most
 * SH_FD_SLOTS - 1 copies land below: fd itself holds one of those slots. */
static long dup_high(int fd)
{
    int low[SH_FD_SLOTS], nlow = 0;
    long copy;

    while ((copy = dup(fd)) >= 0 && copy < SH_FD_SLOTS)
        low[nlow++] = (int)copy;
    while (nlow > 0)
        close(low[--nlow]);
    return copy;
}

/* Keep descriptor fd's present self in saved[fd], once: 0, or -1 once reported. */
static int save_fd(int saved[SH_FD_SLOTS], int fd)
{
    long copy;

    if (saved[fd] != SH_NOT_SAVED)
        return 0;
    copy = dup_high(fd);
    if (copy < 0 && copy != -EBADF) {
        sh_error("cannot keep descriptor %d for after the command: %s", fd, errstr(copy));
        return -1;
    }
    saved[fd] = copy < 0 ? SH_WAS_CLOSED : (int)copy;
    return 0;
}

/* The descriptor a redirection's target opens (or names, for <& >&); -1 once reported. */
static int open_target(struct redir *r)
{
    long fd;

    if (r->kind == T_LESSAND || r->kind == T_GREATAND)
        return r->target[0] - '0';
    if (r->kind == T_LESS)
        fd = open(r->target, O_RDONLY, 0);
    else
        fd = open(r->target, O_WRONLY | O_CREAT | (r->kind == T_DGREAT ? O_APPEND : O_TRUNC),
                  0666);
    if (fd < 0) {
        sh_error("%s: %s", r->target, errstr(fd));
        return -1;
    }
    return (int)fd;
}

int apply_redirects(struct command *c, int saved[SH_FD_SLOTS])
{
    for (int i = 0; i < c->nredir; i++) {
        struct redir *r = &c->redir[i];
        int fd;
        long err;

        if (saved != NULL && save_fd(saved, r->fd) < 0)
            return -1;                          /* saved before open takes a free slot */
        if ((fd = open_target(r)) < 0)
            return -1;
        if (fd == r->fd)
            continue;
        err = dup2(fd, r->fd);
        if (r->kind != T_LESSAND && r->kind != T_GREATAND)
            close(fd);
        if (err < 0) {
            sh_error("%d: %s", fd, errstr(err));
            return -1;
        }
    }
    return 0;
}

void restore_fds(int saved[SH_FD_SLOTS])
{
    for (int fd = 0; fd < SH_FD_SLOTS; fd++) {
        if (saved[fd] == SH_NOT_SAVED)
            continue;
        if (saved[fd] == SH_WAS_CLOSED) {
            close(fd);                  /* it was closed before the command */
        } else {
            dup2(saved[fd], fd);
            close(saved[fd]);
        }
        saved[fd] = SH_NOT_SAVED;
    }
}
