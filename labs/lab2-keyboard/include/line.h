/*
 * line.h - the console line editor every stage's echo uses (stages 2, 3 and
 * 6): a printable key is added to the line and echoed, Backspace rubs out the
 * last one ("\b \b" on the screen), Enter prints "line: <the line>" and starts
 * a new one. Given code, not an exercise.
 */
#ifndef CAIRN_LINE_H
#define CAIRN_LINE_H

#define LINE_MAX 512                    /* bytes in a line, its '\0' included */

struct line {
    char text[LINE_MAX];
    int len;
};

/*
 * One character from key_event_char (keymap.h): '\n' ends the line, '\b'
 * erases, a tab or a printable ASCII character is typed. Anything else, and a
 * character past LINE_MAX - 1, is ignored without an echo, so the screen
 * always shows what the line holds.
 */
void line_edit(struct line *l, char c);

/* Prints "keys: received R, dropped D" from the keyboard's counters. */
void line_show_counters(void);

#endif
