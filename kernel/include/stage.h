/* stage.h - which stage this kernel is, and the program it runs (user/labN.c). */
#ifndef CAIRN_STAGE_H
#define CAIRN_STAGE_H

extern const int stage_number;          /* N of labN: 0 is the core alone */
extern const char stage_name[];         /* "lab1-interrupts", "core" for stage 0 */

/* The stage's program. Returning means success; in grade mode the machine exits. */
void program_main(void);

#endif
