/* Runs a command and reports its wall time, CPU time (user + sys) and peak RSS, like GNU time
 * -f but without needing it. A small C parent matters: Linux carries the peak RSS of the process
 * image that exec() replaces into the new one, so a command started straight from the Python
 * harness would inherit the harness's peak RSS.
 *
 * Usage: measure RESULT_FILE COMMAND [ARG]...
 * Writes "WALL_S CPU_S MAXRSS_KIB EXIT_CODE" to RESULT_FILE; the command's stdin, stdout and
 * stderr are inherited. Exits with the command's exit code (127 when it cannot be started). */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
seconds(struct timeval tv)
{
  return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: measure RESULT_FILE COMMAND [ARG]...\n");
    return 2;
  }
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  const pid_t pid = fork();
  if (pid < 0) {
    perror("measure: fork");
    return 127;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror("measure: exec");
    _exit(127);
  }
  int status;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) < 0) {
    perror("measure: wait4");
    return 127;
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *out = fopen(argv[1], "w");
  if (out == NULL) {
    perror("measure: result file");
    return 127;
  }
  fprintf(out, "%.6f %.6f %ld %d\n", (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9,
          seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss, code);
  fclose(out);
  return code;
}
