/* The C side of bench/lock-bench.sh, compiled by it with cc.
 *   lockloop bench DIR N        lock+unlock pairs per second on DIR/c-bench: classic fcntl (F_SETLK / F_UNLCK),
 *                               flock (LOCK_EX|LOCK_NB / LOCK_UN) on one open descriptor, each also with a stat of
 *                               the path between lock and unlock (the replaced-file check), the same with OFD locks
 *                               (F_OFD_SETLK, the engine's calls), and full dotlock cycles
 *                               (open O_EXCL + write pid:host + close + unlink), N/4 of those.
 *   lockloop hold METHOD FILE MS   takes the lock (blocking), prints "locked", holds MS ms, prints "released <ns>"
 *                               (CLOCK_MONOTONIC, the clock of .NET's Stopwatch) right before unlocking.
 *   lockloop wait METHOD FILE   blocks in F_SETLKW / flock(LOCK_EX) and prints "acquired <ns>" when it gets the lock.
 *   lockloop writer METHOD FILE a Dovecot-like writer, forever: blocking lock (classic fcntl F_SETLKW or flock),
 *                               hold 5 ms, release, pause 1 ms (bench/lock-fairness.sh).
 *   lockloop contend METHOD FILE N   the blocked C waiter of the fairness run: N times, lock (blocking) and print how
 *                               long it waited in microseconds, hold 5 ms, release, pause 1 ms. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }

static void lock_blocking(const char *method, int fd) {
    if (strcmp(method, "flock") == 0) { if (flock(fd, LOCK_EX) < 0) { perror("flock"); exit(1); } return; }
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLKW, &l) < 0) { perror("fcntl"); exit(1); }
}

static void unlock(const char *method, int fd) {
    if (strcmp(method, "flock") == 0) { flock(fd, LOCK_UN); return; }
    struct flock l = { .l_type = F_UNLCK, .l_whence = SEEK_SET };
    fcntl(fd, F_SETLK, &l);
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "bench") == 0) {
        char path[4096], lockpath[4200], content[300], host[256];
        long n = atol(argv[3]);
        snprintf(path, sizeof path, "%s/c-bench", argv[2]);
        snprintf(lockpath, sizeof lockpath, "%s.lock", path);
        gethostname(host, sizeof host);
        int len = snprintf(content, sizeof content, "%d:%s", (int)getpid(), host);
        int fd = open(path, O_RDWR | O_CREAT, 0600);
        struct flock l = { .l_whence = SEEK_SET };
        for (int round = 0; round < 2; round++) { /* the first round warms up */
            long long t = now_ns();
            for (long i = 0; i < n; i++) {
                l.l_type = F_WRLCK; if (fcntl(fd, F_SETLK, &l) < 0) { perror("fcntl"); return 1; }
                l.l_type = F_UNLCK; fcntl(fd, F_SETLK, &l);
            }
            double fcntl_rate = n / ((now_ns() - t) / 1e9);
            t = now_ns();
            for (long i = 0; i < n; i++) {
                if (flock(fd, LOCK_EX | LOCK_NB) < 0) { perror("flock"); return 1; }
                flock(fd, LOCK_UN);
            }
            double flock_rate = n / ((now_ns() - t) / 1e9);
            /* The same pairs with the replaced-file check the engine makes (and Dovecot: file_wait_lock then stat). */
            struct stat st;
            t = now_ns();
            for (long i = 0; i < n; i++) {
                l.l_type = F_WRLCK; if (fcntl(fd, F_SETLK, &l) < 0) { perror("fcntl"); return 1; }
                if (stat(path, &st) < 0) { perror("stat"); return 1; }
                l.l_type = F_UNLCK; fcntl(fd, F_SETLK, &l);
            }
            double fcntl_check_rate = n / ((now_ns() - t) / 1e9);
            /* The calls the engine makes: OFD locks (F_OFD_SETLK), with and without the check. */
            t = now_ns();
            for (long i = 0; i < n; i++) {
                l.l_type = F_WRLCK; if (fcntl(fd, F_OFD_SETLK, &l) < 0) { perror("fcntl"); return 1; }
                l.l_type = F_UNLCK; fcntl(fd, F_OFD_SETLK, &l);
            }
            double ofd_rate = n / ((now_ns() - t) / 1e9);
            t = now_ns();
            for (long i = 0; i < n; i++) {
                l.l_type = F_WRLCK; if (fcntl(fd, F_OFD_SETLK, &l) < 0) { perror("fcntl"); return 1; }
                if (stat(path, &st) < 0) { perror("stat"); return 1; }
                l.l_type = F_UNLCK; fcntl(fd, F_OFD_SETLK, &l);
            }
            double ofd_check_rate = n / ((now_ns() - t) / 1e9);
            t = now_ns();
            for (long i = 0; i < n; i++) {
                if (flock(fd, LOCK_EX | LOCK_NB) < 0) { perror("flock"); return 1; }
                if (stat(path, &st) < 0) { perror("stat"); return 1; }
                flock(fd, LOCK_UN);
            }
            double flock_check_rate = n / ((now_ns() - t) / 1e9);
            t = now_ns();
            for (long i = 0; i < n / 4; i++) {
                int lfd = open(lockpath, O_RDWR | O_CREAT | O_EXCL, 0666);
                if (lfd < 0) { perror("open"); return 1; }
                if (write(lfd, content, len) != len) { perror("write"); return 1; }
                close(lfd);
                unlink(lockpath);
            }
            double dotlock_rate = (n / 4) / ((now_ns() - t) / 1e9);
            if (round == 1) printf("fcntl %.0f\nflock %.0f\nfcntl_check %.0f\nflock_check %.0f\nofd %.0f\nofd_check %.0f\ndotlock %.0f\n",
                                  fcntl_rate, flock_rate, fcntl_check_rate, flock_check_rate, ofd_rate, ofd_check_rate, dotlock_rate);
        }
        close(fd);
        unlink(path);
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "hold") == 0) {
        const char *method = argv[2], *file = argv[3];
        int ms = atoi(argv[4]);
        if (strcmp(method, "dotlock") == 0) {
            char lockpath[4200], content[300], host[256];
            snprintf(lockpath, sizeof lockpath, "%s.lock", file);
            gethostname(host, sizeof host);
            int len = snprintf(content, sizeof content, "%d:%s", (int)getpid(), host);
            int lfd;
            while ((lfd = open(lockpath, O_RDWR | O_CREAT | O_EXCL, 0666)) < 0) usleep(1000);
            if (write(lfd, content, len) != len) return 1;
            close(lfd);
            printf("locked\n"); fflush(stdout);
            usleep(ms * 1000);
            long long t = now_ns();
            unlink(lockpath);
            printf("released %lld\n", t); fflush(stdout);
            return 0;
        }
        int fd = open(file, O_RDWR);
        lock_blocking(method, fd);
        printf("locked\n"); fflush(stdout);
        usleep(ms * 1000);
        long long t = now_ns();
        unlock(method, fd);
        printf("released %lld\n", t); fflush(stdout);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "wait") == 0) {
        int fd = open(argv[3], O_RDWR);
        printf("waiting\n"); fflush(stdout);
        lock_blocking(argv[2], fd);
        printf("acquired %lld\n", now_ns()); fflush(stdout);
        unlock(argv[2], fd);
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "writer") == 0) {
        int fd = open(argv[3], O_RDWR);
        printf("ready\n"); fflush(stdout);
        for (;;) { lock_blocking(argv[2], fd); usleep(5000); unlock(argv[2], fd); usleep(1000); }
    }
    if (argc >= 5 && strcmp(argv[1], "contend") == 0) {
        int fd = open(argv[3], O_RDWR), n = atoi(argv[4]);
        for (int i = 0; i < n; i++) {
            long long t = now_ns();
            lock_blocking(argv[2], fd);
            printf("%.0f\n", (now_ns() - t) / 1000.0); fflush(stdout);
            usleep(5000); unlock(argv[2], fd); usleep(1000);
        }
        return 0;
    }
    fprintf(stderr, "usage: lockloop bench DIR N | hold METHOD FILE MS | wait METHOD FILE | writer METHOD FILE | contend METHOD FILE N\n");
    return 2;
}
