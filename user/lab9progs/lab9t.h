/* lab9t.h - the commands of lab9t, lab 9's test program (README in lab9t.c). */
#ifndef CAIRN_LAB9T_H
#define CAIRN_LAB9T_H

#include "sys9.h"

int t9_pipe(int argc, char **argv);
int t9_bomb(int argc, char **argv);
int t9_spin(int argc, char **argv);
int t9_cat(int argc, char **argv);
int t9_fds(int argc, char **argv);
int t9_fs(int argc, char **argv);
int t9_bench(int argc, char **argv);
int t9_blocked(int argc, char **argv);
/* "exited N" or "killed by signal N", as the grader words a wait status. */
const char *t9_status(int status);

#endif
