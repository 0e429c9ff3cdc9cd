/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Round trips of the qtest protocol from a C client, to see where the
 * floor is when the client costs next to nothing.  Usage:
 *   cc -O2 -o qtest-rtt bench/qtest-rtt.c
 *   ./qtest-rtt BINARY PAIRS
 * It listens on a unix socket, starts BINARY as libqtest does (the binary
 * connects as a client), and times PAIRS "outb 0x80 1" + "inb 0x80" pairs.
 * Standard C and POSIX only, so it builds without the project.
 */

#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Reads one reply line; replies are short, so one read() usually does. */
static int read_line(int fd, char *buf, size_t max)
{
    size_t n = 0;

    while (n < max - 1) {
        ssize_t r = read(fd, buf + n, max - 1 - n);

        if (r <= 0) {
            return -1;
        }
        n += (size_t)r;
        if (buf[n - 1] == '\n') {
            break;
        }
    }
    buf[n] = '\0';
    return (int)n;
}

static int round_trip(int fd, const char *req, char *buf, size_t max)
{
    size_t len = strlen(req);

    if (write(fd, req, len) != (ssize_t)len || read_line(fd, buf, max) < 0 ||
        strncmp(buf, "OK", 2) != 0) {
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char dir[] = "/tmp/qtest-rtt-XXXXXX";
    char spec[sizeof(addr.sun_path) + 8], buf[256];
    struct timespec t0, t1;
    int listener, fd;
    long pairs;
    pid_t pid;
    double secs;

    if (argc != 3 || (pairs = atol(argv[2])) <= 0 || mkdtemp(dir) == NULL) {
        fprintf(stderr, "usage: %s BINARY PAIRS\n", argv[0]);
        return 2;
    }
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/qtest.sock", dir);
    snprintf(spec, sizeof(spec), "unix:%s", addr.sun_path);
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0 ||
        bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(listener, 1) < 0) {
        perror("socket");
        return 1;
    }
    pid = fork();
    if (pid == 0) {
        execl(argv[1], argv[1], "-M", "pc", "-nodefaults", "-display", "none",
              "-S", "-m", "128", "-qtest", spec, "-qtest-log", "/dev/null",
              (char *)NULL);
        _exit(127);
    }
    fd = accept(listener, NULL, NULL);
    if (fd < 0) {
        perror("accept");
        return 1;
    }
    /* Warm up, then measure. */
    for (long i = 0; i < 1000 + pairs; i++) {
        if (i == 1000) {
            clock_gettime(CLOCK_MONOTONIC, &t0);
        }
        if (round_trip(fd, "outb 0x80 0x1\n", buf, sizeof(buf)) < 0 ||
            round_trip(fd, "inb 0x80\n", buf, sizeof(buf)) < 0) {
            fprintf(stderr, "bad reply: %s\n", buf);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%s %.0f pairs/s\n", argv[1], (double)pairs / secs);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    close(fd);
    close(listener);
    unlink(addr.sun_path);
    rmdir(dir);
    return 0;
}
