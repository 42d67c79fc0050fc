/*
 * builtin.c - the commands the shell runs itself, because a child could
 * not do their work for it (POSIX XCU 2.14 "Special Built-In Utilities"
 * for exit; cd(1) and pwd(1) as regular built-ins): cd changes the shell's
 * own directory (chdir(2)), exit ends the shell, pwd prints getcwd(2).
 * Inside a pipeline of several commands they run in that command's child,
 * as in any POSIX shell.
 */
#include "sh.h"

/* cd [DIR]: to DIR, or to / (there is no $HOME to go to). */
static int builtin_cd(int argc, char **argv, int status)
{
    const char *dir = argc > 1 ? argv[1] : "/";
    long r;

    (void)status;
    if (argc > 2) {
        sh_error("cd: too many arguments");
        return 2;
    }
    if ((r = chdir(dir)) < 0) {
        sh_error("cd: %s: %s", dir, errstr(r));
        return 1;
    }
    return 0;
}

static int builtin_pwd(int argc, char **argv, int status)
{
    char cwd[SH_PATH_MAX];
    long r;

    (void)argc, (void)argv, (void)status;
    if ((r = getcwd(cwd, sizeof cwd)) < 0) {
        sh_error("pwd: %s", errstr(r));
        return 1;
    }
    printf("%s\n", cwd);
    return 0;
}

/* exit [N]: end the shell with N (0..255), or with $? without N. */
static int builtin_exit(int argc, char **argv, int status)
{
    uint64_t code = (uint64_t)status;

    if (argc > 2) {
        sh_error("exit: too many arguments");
        return 2;
    }
    if (argc == 2 && parse_uint(argv[1], 0, 255, &code) != PARSE_OK) {
        sh_error("exit: bad number '%s' (0..255)", argv[1]);
        exit(2);
    }
    exit((int)code);
}

builtin_fn find_builtin(const char *name)
{
    static const struct { const char *name; builtin_fn run; } builtins[] = {
        { "cd", builtin_cd }, { "exit", builtin_exit }, { "pwd", builtin_pwd },
    };

    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(name, builtins[i].name) == 0)
            return builtins[i].run;
    return NULL;
}

int run_here(struct command *c, int *status)
{
    builtin_fn run = c->argc > 0 ? find_builtin(c->argv[0]) : NULL;
    int saved[SH_FD_SLOTS];

    if (c->argc > 0 && run == NULL)
        return 0;
    for (int fd = 0; fd < SH_FD_SLOTS; fd++)
        saved[fd] = SH_NOT_SAVED;
    if (apply_redirects(c, saved) < 0)
        *status = 1;
    else
        *status = run != NULL ? run(c->argc, c->argv, *status) : 0;
    restore_fds(saved);
    return 1;
}
