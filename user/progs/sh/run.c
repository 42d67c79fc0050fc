/*
 * run.c - runs a parsed script, with POSIX XCU 2.9 "Shell Commands"
 * semantics: a pipeline's commands run at once, each in its own child
 * (fork(2)), joined by pipe(2)s, and its status is the last command's;
 * && runs the next pipeline only after a status of 0, || only after any
 * other; redirections (redirect.c) come after the pipe's, so `cmd >f | x`
 * writes to f. A program is found as execvp(3) finds it: a name with a '/'
 * is a path; other names are tried in each directory of $PATH, or in "/"
 * then "/bin" when there is no PATH (Cairn starts programs with no
 * environment). Statuses are Linux shells': the exit code; 128 + the
 * signal for a killed command; 127 for a program not found, 126 for one
 * that could not be run; 2 when the shell itself could not go on.
 */
#include "sh.h"

#define DEFAULT_PATH "/:/bin"

/* `word` with each $? (SH_STATUS_MARK) replaced by the status, written at
 * *space; the word itself when it has none. */
static char *expand(char *word, int status, char **space)
{
    char *start = *space, *out = start;

    if (strchr(word, SH_STATUS_MARK) == NULL)
        return word;
    for (; *word != '\0'; word++) {
        if (*word == SH_STATUS_MARK)
            out += snprintf(out, 4, "%d", status);  /* 0..255: 2 bytes became at most 3 */
        else
            *out++ = *word;
    }
    *out++ = '\0';
    *space = out;
    return start;
}

/* Expand a whole pipeline before any of it runs: all its commands see one $?. */
static void expand_pipeline(struct pipeline *p, int status)
{
    static char space[2 * SH_LINE_MAX + SH_TOKENS_MAX];  /* > any line's words, expanded */
    char *free_space = space;

    for (int i = 0; i < p->ncmd; i++) {
        struct command *c = &p->cmd[i];
        for (int j = 0; j < c->argc; j++)
            c->argv[j] = expand(c->argv[j], status, &free_space);
        for (int j = 0; j < c->nredir; j++)
            c->redir[j].target = expand(c->redir[j].target, status, &free_space);
    }
}

/* $PATH from the environment, or the default. */
static const char *search_path(void)
{
    for (char **e = environ; *e != NULL; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            return *e + 5;
    return DEFAULT_PATH;
}

__attribute__((noreturn)) static void cannot_run(const char *name, long err)
{
    if (err == -ENOENT) {
        sh_error("%s: not found", name);
        exit(127);
    }
    sh_error("%s: %s", name, errstr(err));
    exit(126);
}

/* dir (len bytes) + "/" + name into path; 0 when it does not fit. */
static int join_path(char path[SH_PATH_MAX], const char *dir, size_t len, const char *name)
{
    size_t name_len = strlen(name);
    int slash = len > 0 && dir[len - 1] != '/';

    if (len + (size_t)slash + name_len >= SH_PATH_MAX)
        return 0;
    memcpy(path, dir, len);
    if (slash)
        path[len++] = '/';
    memcpy(path + len, name, name_len + 1);
    return 1;
}

/* execve the program argv[0] names; returns never. */
__attribute__((noreturn)) static void exec_program(char **argv)
{
    char path[SH_PATH_MAX];
    const char *dir = search_path(), *name = argv[0];
    long err = -ENOENT, r;

    if (strchr(name, '/') != NULL)
        cannot_run(name, execve(name, argv, environ));
    while (dir != NULL) {
        const char *colon = strchr(dir, ':');
        size_t len = colon != NULL ? (size_t)(colon - dir) : strlen(dir);
        if (!join_path(path, dir, len, name)) {
            err = -ENAMETOOLONG;
        } else {
            r = execve(path, argv, environ);
            if (r != -ENOENT && r != -ENOTDIR && r != -EACCES)
                cannot_run(name, r);        /* found, but it would not run */
            if (r == -EACCES)
                err = r;                    /* execvp's rule: look on, then say so */
        }
        dir = colon != NULL ? colon + 1 : NULL;
    }
    cannot_run(name, err);
}

/* In the child: stdin from `in`, stdout to `out` (-1: as they are), then run. */
__attribute__((noreturn)) static void run_child(struct command *c, int in, int out, int unused,
                                                     int status)
{
    builtin_fn builtin;

    if (unused >= 0)
        close(unused);              /* the next command's read end: its EOF needs us gone */
    if (in >= 0) {
        dup2(in, 0);
        close(in);
    }
    if (out >= 0) {
        dup2(out, 1);
        close(out);
    }
    if (apply_redirects(c, NULL) < 0)
        exit(1);
    if (c->argc == 0)
        exit(0);
    if ((builtin = find_builtin(c->argv[0])) != NULL)
        exit(builtin(c->argc, c->argv, status));
    exec_program(c->argv);
}

/* A wait status as $?: the exit code, or 128 + the signal, said aloud
 * but for SIGPIPE (the quiet end of a writer whose reader is gone) and
 * SIGINT (Ctrl-C: the user knows). */
static int status_of(int wstatus, const char *name)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WTERMSIG(wstatus) != SIGPIPE && WTERMSIG(wstatus) != SIGINT) {
        const char *sig = signal_name(WTERMSIG(wstatus));
        sh_error("%s: killed by signal %d%s%s", name, WTERMSIG(wstatus), sig ? " SIG" : "",
                 sig ? sig : "");
    }
    return 128 + WTERMSIG(wstatus);
}

/* Start the pipeline's commands; the number started (all, unless pipe or fork failed). */
static int start_pipeline(struct pipeline *p, long pids[SH_PIPE_MAX], int status)
{
    int in = -1, started;

    for (started = 0; started < p->ncmd; started++) {
        int fds[2] = { -1, -1 };
        long r = started + 1 < p->ncmd ? pipe(fds) : 0, pid;
        if (r < 0) {
            sh_error("pipe: %s", errstr(r));
            break;
        }
        if ((pid = fork()) == 0)
            run_child(&p->cmd[started], in, fds[1], fds[0], status);
        if (in >= 0)
            close(in);
        if (fds[1] >= 0)
            close(fds[1]);
        in = fds[0];
        if (pid < 0) {
            sh_error("fork: %s", errstr(pid));
            break;
        }
        pids[started] = pid;
    }
    if (in >= 0)
        close(in);
    return started;
}

static int run_pipeline(struct pipeline *p, int status)
{
    long pids[SH_PIPE_MAX];
    int started, wstatus = 0;

    expand_pipeline(p, status);
    if (p->ncmd == 1 && run_here(&p->cmd[0], &status))
        return status;
    started = start_pipeline(p, pids, status);
    for (int i = 0; i < started; i++) {
        long r = wait4(pids[i], &wstatus, 0, NULL);
        if (r < 0) {
            sh_error("wait4: %s", errstr(r));
            return 2;
        }
        status = status_of(wstatus, p->cmd[i].argc > 0 ? p->cmd[i].argv[0] : "redirection");
    }
    return started == p->ncmd ? status : 2;
}

int run_script(struct script *s, int status)
{
    for (int i = 0; i < s->npipe; i++) {
        struct pipeline *p = &s->pipe[i];
        if ((p->joiner == T_AND && status != 0) || (p->joiner == T_OR && status == 0))
            continue;               /* skipped: $? stays, for the next && or || */
        status = run_pipeline(p, status);
    }
    return status;
}
