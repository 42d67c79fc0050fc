/*
 * parse.c - tokens into a script, after the grammar of POSIX XCU 2.10
 * "Shell Grammar", cut down to what this shell runs:
 *
 *   script   : linebreak [ and_or { separator linebreak and_or } [ separator ] ] linebreak
 *   and_or   : pipeline { ( "&&" | "||" ) linebreak pipeline }
 *   pipeline : command { "|" linebreak command }
 *   command  : ( WORD | redirect ) { WORD | redirect }
 *   redirect : [DIGIT] ( "<" | ">" | ">>" ) WORD  |  [DIGIT] ( "<&" | ">&" ) DIGIT
 *   separator: ";" | newline          linebreak: { newline }
 *
 * A whole command is parsed before any of it runs, so a syntax error runs
 * nothing. Input that ends where the grammar wants more (after | && ||) is
 * SH_INCOMPLETE: the reader may add the next line, as a shell does.
 */
#include "sh.h"

struct parser {
    struct token *tok;          /* the next token */
    struct script *s;
};

/* The next token has no place here. At the end of the input, after | && ||,
 * more input may follow: incomplete, not wrong. */
static enum sh_result unexpected(struct parser *ps, int end_is_incomplete)
{
    if (ps->tok->type == T_END && end_is_incomplete)
        return SH_INCOMPLETE;
    sh_error("syntax error: unexpected %s%s%s", ps->tok->type == T_END ? "" : "'",
             token_text(ps->tok->type), ps->tok->type == T_END ? "" : "'");
    return SH_ERROR;
}

static void skip_newlines(struct parser *ps)
{
    while (ps->tok->type == T_NEWLINE)
        ps->tok++;
}

static int is_redirect(enum token_type t)
{
    return t == T_LESS || t == T_GREAT || t == T_DGREAT || t == T_LESSAND || t == T_GREATAND;
}

static enum sh_result parse_redirect(struct parser *ps)
{
    struct token *op = ps->tok++;
    struct script *s = ps->s;

    if (ps->tok->type != T_WORD)
        return unexpected(ps, 0);
    if ((op->type == T_LESSAND || op->type == T_GREATAND) &&
        !(ps->tok->word[0] >= '0' && ps->tok->word[0] <= '9' && ps->tok->word[1] == '\0')) {
        sh_error("syntax error: '%s' wants a descriptor 0..9, not '%s'", token_text(op->type),
                 ps->tok->word);
        return SH_ERROR;
    }
    s->redir_pool[s->nredir++] = (struct redir){ op->type, op->fd, ps->tok->word };
    ps->tok++;
    return SH_OK;
}

/* Words and redirections, until an operator that ends a command. */
static enum sh_result parse_command(struct parser *ps)
{
    struct script *s = ps->s;
    struct command *c = &s->cmds[s->ncmds++];
    enum sh_result r;

    *c = (struct command){ 0, &s->argv_pool[s->nargv], 0, &s->redir_pool[s->nredir] };
    while (ps->tok->type == T_WORD || is_redirect(ps->tok->type)) {
        if (ps->tok->type == T_WORD) {
            s->argv_pool[s->nargv++] = ps->tok->word;
            c->argc++;
            ps->tok++;
        } else if ((r = parse_redirect(ps)) != SH_OK) {
            return r;
        } else {
            c->nredir++;
        }
    }
    if (c->argc == 0 && c->nredir == 0)
        return unexpected(ps, 1);
    s->argv_pool[s->nargv++] = NULL;
    return SH_OK;
}

static enum sh_result parse_pipeline(struct parser *ps, enum token_type joiner)
{
    struct script *s = ps->s;
    struct pipeline *p = &s->pipe[s->npipe++];
    enum sh_result r;

    *p = (struct pipeline){ joiner, 0, &s->cmds[s->ncmds] };
    for (;;) {
        if (p->ncmd == SH_PIPE_MAX) {
            sh_error("pipeline too long (more than %d commands)", SH_PIPE_MAX);
            return SH_ERROR;
        }
        if ((r = parse_command(ps)) != SH_OK)
            return r;
        p->ncmd++;
        if (ps->tok->type != T_PIPE)
            return SH_OK;
        ps->tok++;
        skip_newlines(ps);
    }
}

static enum sh_result parse_and_or(struct parser *ps)
{
    enum token_type joiner = T_SEMI;
    enum sh_result r;

    for (;;) {
        if ((r = parse_pipeline(ps, joiner)) != SH_OK)
            return r;
        if (ps->tok->type != T_AND && ps->tok->type != T_OR)
            return SH_OK;
        joiner = ps->tok->type;
        ps->tok++;
        skip_newlines(ps);
    }
}

enum sh_result parse(struct lexed *lx, struct script *s)
{
    struct parser ps = { lx->tok, s };
    enum sh_result r;

    s->npipe = s->ncmds = s->nargv = s->nredir = 0;
    skip_newlines(&ps);
    while (ps.tok->type != T_END) {
        if ((r = parse_and_or(&ps)) != SH_OK)
            return r;
        if (ps.tok->type == T_SEMI || ps.tok->type == T_NEWLINE)
            ps.tok++;
        else if (ps.tok->type != T_END)
            return unexpected(&ps, 0);
        skip_newlines(&ps);
    }
    return SH_OK;
}
