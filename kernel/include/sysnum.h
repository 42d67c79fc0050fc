/*
 * sysnum.h - Linux's i386 system-call numbers and names, as Linux 6.1's
 * arch/x86/entry/syscalls/syscall_32.tbl has them (0-450): the one home of both.
 * The kernel's labs dispatch on SYS_name, user programs trap with it, and lab 8's
 * sysnames.c builds its table of names from the same list, so a number and its
 * name can't disagree. Numbers Linux leaves unused (222, 223, 251, 285, 387-392,
 * 415) are not in the list. tests/test_lab8_sysnames.c checks it against the
 * host's <asm/unistd_32.h>.
 *
 * LINUX_SYSCALLS(X) calls X(number, name) once per call, in order.
 */
#ifndef SYSNUM_H
#define SYSNUM_H

#define LINUX_SYSCALLS(X) \
    X(0, restart_syscall) X(1, exit) X(2, fork) X(3, read) X(4, write) X(5, open) X(6, close) \
    X(7, waitpid) X(8, creat) X(9, link) X(10, unlink) X(11, execve) X(12, chdir) X(13, time) \
    X(14, mknod) X(15, chmod) X(16, lchown) X(17, break) X(18, oldstat) X(19, lseek) X(20, getpid) \
    X(21, mount) X(22, umount) X(23, setuid) X(24, getuid) X(25, stime) X(26, ptrace) X(27, alarm) \
    X(28, oldfstat) X(29, pause) X(30, utime) X(31, stty) X(32, gtty) X(33, access) X(34, nice) \
    X(35, ftime) X(36, sync) X(37, kill) X(38, rename) X(39, mkdir) X(40, rmdir) X(41, dup) \
    X(42, pipe) X(43, times) X(44, prof) X(45, brk) X(46, setgid) X(47, getgid) X(48, signal) \
    X(49, geteuid) X(50, getegid) X(51, acct) X(52, umount2) X(53, lock) X(54, ioctl) X(55, fcntl) \
    X(56, mpx) X(57, setpgid) X(58, ulimit) X(59, oldolduname) X(60, umask) X(61, chroot) \
    X(62, ustat) X(63, dup2) X(64, getppid) X(65, getpgrp) X(66, setsid) X(67, sigaction) \
    X(68, sgetmask) X(69, ssetmask) X(70, setreuid) X(71, setregid) X(72, sigsuspend) \
    X(73, sigpending) X(74, sethostname) X(75, setrlimit) X(76, getrlimit) X(77, getrusage) \
    X(78, gettimeofday) X(79, settimeofday) X(80, getgroups) X(81, setgroups) X(82, select) \
    X(83, symlink) X(84, oldlstat) X(85, readlink) X(86, uselib) X(87, swapon) X(88, reboot) \
    X(89, readdir) X(90, mmap) X(91, munmap) X(92, truncate) X(93, ftruncate) X(94, fchmod) \
    X(95, fchown) X(96, getpriority) X(97, setpriority) X(98, profil) X(99, statfs) \
    X(100, fstatfs) X(101, ioperm) X(102, socketcall) X(103, syslog) X(104, setitimer) \
    X(105, getitimer) X(106, stat) X(107, lstat) X(108, fstat) X(109, olduname) X(110, iopl) \
    X(111, vhangup) X(112, idle) X(113, vm86old) X(114, wait4) X(115, swapoff) X(116, sysinfo) \
    X(117, ipc) X(118, fsync) X(119, sigreturn) X(120, clone) X(121, setdomainname) X(122, uname) \
    X(123, modify_ldt) X(124, adjtimex) X(125, mprotect) X(126, sigprocmask) X(127, create_module) \
    X(128, init_module) X(129, delete_module) X(130, get_kernel_syms) X(131, quotactl) \
    X(132, getpgid) X(133, fchdir) X(134, bdflush) X(135, sysfs) X(136, personality) \
    X(137, afs_syscall) X(138, setfsuid) X(139, setfsgid) X(140, _llseek) X(141, getdents) \
    X(142, _newselect) X(143, flock) X(144, msync) X(145, readv) X(146, writev) X(147, getsid) \
    X(148, fdatasync) X(149, _sysctl) X(150, mlock) X(151, munlock) X(152, mlockall) \
    X(153, munlockall) X(154, sched_setparam) X(155, sched_getparam) X(156, sched_setscheduler) \
    X(157, sched_getscheduler) X(158, sched_yield) X(159, sched_get_priority_max) \
    X(160, sched_get_priority_min) X(161, sched_rr_get_interval) X(162, nanosleep) X(163, mremap) \
    X(164, setresuid) X(165, getresuid) X(166, vm86) X(167, query_module) X(168, poll) \
    X(169, nfsservctl) X(170, setresgid) X(171, getresgid) X(172, prctl) X(173, rt_sigreturn) \
    X(174, rt_sigaction) X(175, rt_sigprocmask) X(176, rt_sigpending) X(177, rt_sigtimedwait) \
    X(178, rt_sigqueueinfo) X(179, rt_sigsuspend) X(180, pread64) X(181, pwrite64) X(182, chown) \
    X(183, getcwd) X(184, capget) X(185, capset) X(186, sigaltstack) X(187, sendfile) \
    X(188, getpmsg) X(189, putpmsg) X(190, vfork) X(191, ugetrlimit) X(192, mmap2) \
    X(193, truncate64) X(194, ftruncate64) X(195, stat64) X(196, lstat64) X(197, fstat64) \
    X(198, lchown32) X(199, getuid32) X(200, getgid32) X(201, geteuid32) X(202, getegid32) \
    X(203, setreuid32) X(204, setregid32) X(205, getgroups32) X(206, setgroups32) X(207, fchown32) \
    X(208, setresuid32) X(209, getresuid32) X(210, setresgid32) X(211, getresgid32) \
    X(212, chown32) X(213, setuid32) X(214, setgid32) X(215, setfsuid32) X(216, setfsgid32) \
    X(217, pivot_root) X(218, mincore) X(219, madvise) X(220, getdents64) X(221, fcntl64) \
    X(224, gettid) X(225, readahead) X(226, setxattr) X(227, lsetxattr) X(228, fsetxattr) \
    X(229, getxattr) X(230, lgetxattr) X(231, fgetxattr) X(232, listxattr) X(233, llistxattr) \
    X(234, flistxattr) X(235, removexattr) X(236, lremovexattr) X(237, fremovexattr) X(238, tkill) \
    X(239, sendfile64) X(240, futex) X(241, sched_setaffinity) X(242, sched_getaffinity) \
    X(243, set_thread_area) X(244, get_thread_area) X(245, io_setup) X(246, io_destroy) \
    X(247, io_getevents) X(248, io_submit) X(249, io_cancel) X(250, fadvise64) X(252, exit_group) \
    X(253, lookup_dcookie) X(254, epoll_create) X(255, epoll_ctl) X(256, epoll_wait) \
    X(257, remap_file_pages) X(258, set_tid_address) X(259, timer_create) X(260, timer_settime) \
    X(261, timer_gettime) X(262, timer_getoverrun) X(263, timer_delete) X(264, clock_settime) \
    X(265, clock_gettime) X(266, clock_getres) X(267, clock_nanosleep) X(268, statfs64) \
    X(269, fstatfs64) X(270, tgkill) X(271, utimes) X(272, fadvise64_64) X(273, vserver) \
    X(274, mbind) X(275, get_mempolicy) X(276, set_mempolicy) X(277, mq_open) X(278, mq_unlink) \
    X(279, mq_timedsend) X(280, mq_timedreceive) X(281, mq_notify) X(282, mq_getsetattr) \
    X(283, kexec_load) X(284, waitid) X(286, add_key) X(287, request_key) X(288, keyctl) \
    X(289, ioprio_set) X(290, ioprio_get) X(291, inotify_init) X(292, inotify_add_watch) \
    X(293, inotify_rm_watch) X(294, migrate_pages) X(295, openat) X(296, mkdirat) X(297, mknodat) \
    X(298, fchownat) X(299, futimesat) X(300, fstatat64) X(301, unlinkat) X(302, renameat) \
    X(303, linkat) X(304, symlinkat) X(305, readlinkat) X(306, fchmodat) X(307, faccessat) \
    X(308, pselect6) X(309, ppoll) X(310, unshare) X(311, set_robust_list) X(312, get_robust_list) \
    X(313, splice) X(314, sync_file_range) X(315, tee) X(316, vmsplice) X(317, move_pages) \
    X(318, getcpu) X(319, epoll_pwait) X(320, utimensat) X(321, signalfd) X(322, timerfd_create) \
    X(323, eventfd) X(324, fallocate) X(325, timerfd_settime) X(326, timerfd_gettime) \
    X(327, signalfd4) X(328, eventfd2) X(329, epoll_create1) X(330, dup3) X(331, pipe2) \
    X(332, inotify_init1) X(333, preadv) X(334, pwritev) X(335, rt_tgsigqueueinfo) \
    X(336, perf_event_open) X(337, recvmmsg) X(338, fanotify_init) X(339, fanotify_mark) \
    X(340, prlimit64) X(341, name_to_handle_at) X(342, open_by_handle_at) X(343, clock_adjtime) \
    X(344, syncfs) X(345, sendmmsg) X(346, setns) X(347, process_vm_readv) \
    X(348, process_vm_writev) X(349, kcmp) X(350, finit_module) X(351, sched_setattr) \
    X(352, sched_getattr) X(353, renameat2) X(354, seccomp) X(355, getrandom) X(356, memfd_create) \
    X(357, bpf) X(358, execveat) X(359, socket) X(360, socketpair) X(361, bind) X(362, connect) \
    X(363, listen) X(364, accept4) X(365, getsockopt) X(366, setsockopt) X(367, getsockname) \
    X(368, getpeername) X(369, sendto) X(370, sendmsg) X(371, recvfrom) X(372, recvmsg) \
    X(373, shutdown) X(374, userfaultfd) X(375, membarrier) X(376, mlock2) X(377, copy_file_range) \
    X(378, preadv2) X(379, pwritev2) X(380, pkey_mprotect) X(381, pkey_alloc) X(382, pkey_free) \
    X(383, statx) X(384, arch_prctl) X(385, io_pgetevents) X(386, rseq) X(393, semget) \
    X(394, semctl) X(395, shmget) X(396, shmctl) X(397, shmat) X(398, shmdt) X(399, msgget) \
    X(400, msgsnd) X(401, msgrcv) X(402, msgctl) X(403, clock_gettime64) X(404, clock_settime64) \
    X(405, clock_adjtime64) X(406, clock_getres_time64) X(407, clock_nanosleep_time64) \
    X(408, timer_gettime64) X(409, timer_settime64) X(410, timerfd_gettime64) \
    X(411, timerfd_settime64) X(412, utimensat_time64) X(413, pselect6_time64) \
    X(414, ppoll_time64) X(416, io_pgetevents_time64) X(417, recvmmsg_time64) \
    X(418, mq_timedsend_time64) X(419, mq_timedreceive_time64) X(420, semtimedop_time64) \
    X(421, rt_sigtimedwait_time64) X(422, futex_time64) X(423, sched_rr_get_interval_time64) \
    X(424, pidfd_send_signal) X(425, io_uring_setup) X(426, io_uring_enter) \
    X(427, io_uring_register) X(428, open_tree) X(429, move_mount) X(430, fsopen) X(431, fsconfig) \
    X(432, fsmount) X(433, fspick) X(434, pidfd_open) X(435, clone3) X(436, close_range) \
    X(437, openat2) X(438, pidfd_getfd) X(439, faccessat2) X(440, process_madvise) \
    X(441, epoll_pwait2) X(442, mount_setattr) X(443, quotactl_fd) X(444, landlock_create_ruleset) \
    X(445, landlock_add_rule) X(446, landlock_restrict_self) X(447, memfd_secret) \
    X(448, process_mrelease) X(449, futex_waitv) X(450, set_mempolicy_home_node)

enum linux_syscall_nr {
#define SYSNUM_ENUM(nr, name) SYS_##name = nr,
    LINUX_SYSCALLS(SYSNUM_ENUM)
#undef SYSNUM_ENUM
    SYS_NR_COUNT = 451                  /* one past the last number */
};

#endif
