/*
 * names.c - words for numbers the programs print: errno values in the
 * words of glibc's strerror (so a message reads as it does on Linux:
 * "cat: x: No such file or directory"), and signal names as kill -l lists
 * them (signal(7)).
 */
#include "ulib.h"

static const char *const error_text[] = {
    [EPERM] = "Operation not permitted", [ENOENT] = "No such file or directory",
    [ESRCH] = "No such process", [EINTR] = "Interrupted system call",
    [EIO] = "Input/output error", [E2BIG] = "Argument list too long",
    [ENOEXEC] = "Exec format error", [EBADF] = "Bad file descriptor",
    [ECHILD] = "No child processes", [EAGAIN] = "Resource temporarily unavailable",
    [ENOMEM] = "Cannot allocate memory", [EACCES] = "Permission denied",
    [EFAULT] = "Bad address", [EBUSY] = "Device or resource busy",
    [EEXIST] = "File exists", [EXDEV] = "Invalid cross-device link",
    [ENOTDIR] = "Not a directory", [EISDIR] = "Is a directory",
    [EINVAL] = "Invalid argument", [ENFILE] = "Too many open files in system",
    [EMFILE] = "Too many open files", [EFBIG] = "File too large",
    [ENOSPC] = "No space left on device", [ESPIPE] = "Illegal seek",
    [EROFS] = "Read-only file system", [EPIPE] = "Broken pipe",
    [ERANGE] = "Numerical result out of range", [ENAMETOOLONG] = "File name too long",
    [ENOSYS] = "Function not implemented", [ENOTEMPTY] = "Directory not empty",
};

const char *errstr(long err)
{
    static char unknown[24];

    if (err < 0)
        err = -err;
    if (err < (long)(sizeof error_text / sizeof error_text[0]) && error_text[err] != NULL)
        return error_text[err];
    snprintf(unknown, sizeof unknown, "Unknown error %ld", err);
    return unknown;
}

static const char *const signal_names[SIGNAL_MAX + 1] = {
    [SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
    [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGBUS] = "BUS", [SIGFPE] = "FPE",
    [SIGKILL] = "KILL", [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
    [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM", [16] = "STKFLT",
    [17] = "CHLD", [18] = "CONT", [19] = "STOP", [20] = "TSTP", [21] = "TTIN",
    [22] = "TTOU", [23] = "URG", [24] = "XCPU", [25] = "XFSZ", [26] = "VTALRM",
    [27] = "PROF", [28] = "WINCH", [29] = "IO", [30] = "PWR", [31] = "SYS",
};

const char *signal_name(int sig)
{
    return sig >= 1 && sig <= SIGNAL_MAX ? signal_names[sig] : NULL;
}

int signal_number(const char *word)
{
    uint64_t n;

    if (parse_uint(word, 1, SIGNAL_MAX, &n) == PARSE_OK)
        return (int)n;
    if (strncmp(word, "SIG", 3) == 0)
        word += 3;
    for (int sig = 1; sig <= SIGNAL_MAX; sig++)
        if (strcmp(word, signal_names[sig]) == 0)
            return sig;
    return 0;
}
