/*
 * sh.h - the shell's pieces: the lexer (lex.c) turns a command line into
 * tokens, the parser (parse.c) checks them against the grammar and builds a
 * script (lists of pipelines of commands), and run.c runs it with fork,
 * pipe, dup2, execve and wait4. sh.c reads the lines. The grammar is a
 * subset of POSIX's "Shell Command Language" (XCU chapter 2): see sh.c.
 *
 * Everything is bounded, and going past a bound is an error the user is
 * told about, never a silent cut.
 */
#ifndef CAIRN_SH_H
#define CAIRN_SH_H

#include "ulib.h"

#define SH_LINE_MAX     4096    /* bytes in one command (continued lines included) */
#define SH_TOKENS_MAX   512     /* words and operators in one command */
#define SH_PIPE_MAX     32      /* commands in one pipeline */
#define SH_PATH_MAX     512     /* a program's path, its directory included */
#define SH_STATUS_MARK  '\001'  /* stands for $? in a lexed word until it runs */

enum sh_result { SH_OK, SH_INCOMPLETE, SH_ERROR };

enum token_type {
    T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_NEWLINE,
    T_LESS, T_GREAT, T_DGREAT, T_LESSAND, T_GREATAND, T_END,
};

struct token {
    enum token_type type;
    int fd;                     /* a redirection's descriptor (its number, or 0/1) */
    char *word;                 /* T_WORD's text, quotes removed */
};

struct lexed {
    struct token tok[SH_TOKENS_MAX];
    int n;
    char words[2 * SH_LINE_MAX + SH_TOKENS_MAX];
    size_t used;
};

struct redir {
    enum token_type kind;       /* T_LESS, T_GREAT, T_DGREAT, T_LESSAND, T_GREATAND */
    int fd;                     /* the descriptor it sets */
    char *target;               /* a path, or for <& and >& a descriptor's digit */
};

struct command {
    int argc;
    char **argv;                /* argc words, then NULL */
    int nredir;
    struct redir *redir;        /* in the order written: later ones win */
};

struct pipeline {
    enum token_type joiner;     /* T_SEMI, T_AND or T_OR: how it follows the one before */
    int ncmd;
    struct command *cmd;
};

struct script {
    int npipe;
    struct pipeline pipe[SH_TOKENS_MAX];
    struct command cmds[SH_TOKENS_MAX];
    int ncmds;
    char *argv_pool[2 * SH_TOKENS_MAX];
    int nargv;
    struct redir redir_pool[SH_TOKENS_MAX];
    int nredir;
};

/* lex.c: tokens of `text`; SH_INCOMPLETE for an open quote or a trailing
 * backslash (more lines may finish it); SH_ERROR has been reported. */
enum sh_result lex(const char *text, struct lexed *out);
const char *token_text(enum token_type type);

/* parse.c: the script the tokens make; SH_INCOMPLETE when they end where the
 * grammar wants more (after |, && or ||); SH_ERROR has been reported. */
enum sh_result parse(struct lexed *lx, struct script *out);

/* run.c: run the script; `status` is $? before it. Returns $? after it. */
int run_script(struct script *s, int status);

/* redirect.c: apply c's redirections, in order; 0, or -1 once reported.
 * With `saved` (SH_FD_SLOTS entries, SH_NOT_SAVED each), each descriptor's
 * earlier self is kept first, for restore_fds to put back: a builtin runs
 * in the shell itself, whose descriptors must outlive the command. */
#define SH_FD_SLOTS  10         /* redirections name descriptors 0..9 */
#define SH_NOT_SAVED  (-2)       /* saved[fd]: no redirection has changed fd */
#define SH_WAS_CLOSED (-1)       /* saved[fd]: fd was not open before the command */
int apply_redirects(struct command *c, int saved[SH_FD_SLOTS]);
void restore_fds(int saved[SH_FD_SLOTS]);

/* builtin.c: cd, pwd and exit, which must run in the shell to do their work. */
typedef int (*builtin_fn)(int argc, char **argv, int status);
builtin_fn find_builtin(const char *name);
/* A command that needs no child (a builtin, or redirections alone): run it here
 * and give its status; 0 when c needs a child. */
int run_here(struct command *c, int *status);

/* "sh: " and the message on fd 2. */
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
