/*
 * lex.c - a command line into tokens, after POSIX XCU 2.3 "Token
 * Recognition" and 2.2 "Quoting": blanks separate words; | || && ; < > >>
 * <& >& and newline are operators; a single digit right before < or > is
 * the descriptor the redirection sets (2>err); '...' keeps every byte as
 * it is; "..." keeps every byte but \" \\ \$ \` and $?; a backslash outside
 * quotes keeps the next byte (and with a newline, joins the lines); # at
 * the start of a word begins a comment. $? becomes SH_STATUS_MARK, which
 * run.c replaces by the status when the command runs (a line like
 * `false; echo $?` must see the status of what ran before it on the line).
 * Other $ signs stay as they are: this shell has no variables.
 */
#include "sh.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_operator(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '\n';
}

const char *token_text(enum token_type type)
{
    static const char *const text[] = {
        [T_WORD] = "word", [T_PIPE] = "|", [T_AND] = "&&", [T_OR] = "||", [T_SEMI] = ";",
        [T_NEWLINE] = "newline", [T_LESS] = "<", [T_GREAT] = ">", [T_DGREAT] = ">>",
        [T_LESSAND] = "<&", [T_GREATAND] = ">&", [T_END] = "end of input",
    };
    return text[type];
}

static int push(struct lexed *lx, enum token_type type, int fd, char *word)
{
    if (lx->n == SH_TOKENS_MAX - 1) {           /* one slot stays for T_END */
        sh_error("too many words and operators in one command (more than %d)",
                 SH_TOKENS_MAX - 1);
        return 0;
    }
    lx->tok[lx->n++] = (struct token){ type, fd, word };
    return 1;
}

/* The operator at *p (fd: the digit before it, or -1); moves *p past it. */
static enum sh_result lex_operator(const char **p, int fd, struct lexed *lx)
{
    const char *s = *p;
    enum token_type t;
    int len = 2;

    if (s[0] == '|')
        t = s[1] == '|' ? T_OR : (len = 1, T_PIPE);
    else if (s[0] == '&' && s[1] == '&')
        t = T_AND;
    else if (s[0] == '&') {
        sh_error("background jobs ('&') are not supported");
        return SH_ERROR;
    } else if (s[0] == ';')
        t = (len = 1, T_SEMI);
    else if (s[0] == '\n')
        t = (len = 1, T_NEWLINE);
    else if (s[0] == '<' && s[1] == '<') {
        sh_error("here-documents ('<<') are not supported");
        return SH_ERROR;
    } else if (s[0] == '<')
        t = s[1] == '&' ? T_LESSAND : (len = 1, T_LESS);
    else
        t = s[1] == '>' ? T_DGREAT : s[1] == '&' ? T_GREATAND : (len = 1, T_GREAT);
    if (fd < 0)
        fd = (t == T_LESS || t == T_LESSAND) ? 0 : 1;
    *p = s + len;
    return push(lx, t, fd, NULL) ? SH_OK : SH_ERROR;
}

/* Inside "...": the byte after a backslash, or 0 when the backslash stays. */
static char dquote_escape(char c)
{
    return (c == '"' || c == '\\' || c == '$' || c == '`') ? c : 0;
}

/* One word at *p into lx->words; moves *p past it. */
static enum sh_result lex_word(const char **p, struct lexed *lx)
{
    const char *s = *p;
    char *start = lx->words + lx->used, *w = start;
    char quote = 0;                             /* the open quote, or 0 */

    while (*s != '\0' && (quote || (!is_blank(*s) && !is_operator(*s)))) {
        char c = *s++;
        if (c == SH_STATUS_MARK) {
            sh_error("the byte 0x01 may not appear in a command");
            return SH_ERROR;
        }
        if (quote == '\'' && c != '\'') {
            *w++ = c;
        } else if (c == '\'' || c == '"') {
            if (quote == 0)
                quote = c;
            else if (quote == c)
                quote = 0;
            else
                *w++ = c;
        } else if (c == '\\' && quote == 0) {
            if (*s == '\0' || (*s == '\n' && s[1] == '\0'))
                return SH_INCOMPLETE;           /* the next line continues the word */
            if (*s != '\n')
                *w++ = *s;
            s++;
        } else if (c == '\\' && dquote_escape(*s)) {
            *w++ = *s++;
        } else if (c == '$' && *s == '?') {
            *w++ = SH_STATUS_MARK;
            s++;
        } else if (quote == 0 && (c == '(' || c == ')' || c == '`')) {
            sh_error("syntax error: '%c' is not supported", c);
            return SH_ERROR;
        } else {
            *w++ = c;
        }
    }
    if (quote)
        return SH_INCOMPLETE;
    *w++ = '\0';
    lx->used = (size_t)(w - lx->words);
    *p = s;
    return push(lx, T_WORD, -1, start) ? SH_OK : SH_ERROR;
}

enum sh_result lex(const char *text, struct lexed *lx)
{
    const char *p = text;
    enum sh_result r = SH_OK;

    if (strlen(text) > SH_LINE_MAX) {
        sh_error("command too long (more than %d bytes)", SH_LINE_MAX);
        return SH_ERROR;
    }
    lx->n = 0;
    lx->used = 0;
    while (r == SH_OK) {
        if (p[0] == '\\' && (p[1] == '\0' || (p[1] == '\n' && p[2] == '\0')))
            return SH_INCOMPLETE;               /* joined with the next line */
        if (is_blank(*p) || (p[0] == '\\' && p[1] == '\n')) {
            p += is_blank(*p) ? 1 : 2;
            continue;
        }
        if (*p == '\0')
            break;
        if (*p == '#') {
            while (*p != '\0' && *p != '\n')
                p++;
        } else if (is_operator(*p)) {
            r = lex_operator(&p, -1, lx);
        } else if (*p >= '0' && *p <= '9' && (p[1] == '<' || p[1] == '>')) {
            p++;
            r = lex_operator(&p, p[-1] - '0', lx);
        } else {
            r = lex_word(&p, lx);
        }
    }
    if (r == SH_OK)
        lx->tok[lx->n] = (struct token){ T_END, -1, NULL };
    return r;
}
