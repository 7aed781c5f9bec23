/* main.c -- placeholder until the HTTP front lands. */
#include <stdio.h>
int main(void)
{
    fputs("sluiced: not built yet\n", stderr);
    return 1;
}
