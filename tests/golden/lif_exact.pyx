# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, infer_types=False, nonecheck=False
# eqneuro kernel: model LIF, method exact, eqneuro VERSION
# Built-in functions print as _libm.<C name> (eqneuro/functions.py) or as eq_* helpers below;
# fmax is only for the refractory period (a negative or NaN period means none).
from libc cimport math as _libm
from libc.math cimport fmax
from libc.stdint cimport int32_t, int64_t, uint8_t, uintptr_t

cdef extern from *:
    """
    #include <stdint.h>
    #include <string.h>
    #include <math.h>
    static inline int eq_not_finite(double x) {
        uint64_t bits; memcpy(&bits, &x, sizeof bits);
        return (bits & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL;
    }
    /* NaN propagates through every built-in, as in NumPy (C's fmin/fmax drop it). */
    static inline double eq_min(double a, double b) { return (a < b || a != a) ? a : b; }
    static inline double eq_max(double a, double b) { return (a > b || a != a) ? a : b; }
    static inline double eq_sign(double x) {
        return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : (x == x ? 0.0 : x));
    }
    static inline double eq_heaviside(double x, double h0) {
        return x > 0.0 ? 1.0 : (x < 0.0 ? 0.0 : (x == x ? h0 : x));
    }
    static inline double eq_exprel(double x) {
        return x == 0.0 ? 1.0 : (x == INFINITY ? x : expm1(x) / x);
    }
    /* Python's a % b: the sign of b (fmod has the sign of a), as CPython's float_rem. */
    static inline double eq_mod(double a, double b) {
        double r = fmod(a, b);
        if (r != 0.0) { if ((r < 0.0) != (b < 0.0)) r += b; }
        else r = copysign(0.0, b);
        return r;
    }
    /* The first j >= start with flags[j] != 0 (or n): events are rare, so test 8 at once. */
    static inline Py_ssize_t eq_next_event(const uint8_t *flags, Py_ssize_t j, Py_ssize_t n) {
        uint64_t word;
        while (j + 8 <= n) { memcpy(&word, flags + j, 8); if (word) break; j += 8; }
        while (j < n && !flags[j]) j++;
        return j;
    }
    """
    ctypedef double* dptr "double * __restrict__"
    ctypedef int32_t* iptr "int32_t * __restrict__"
    ctypedef int64_t* lptr "int64_t * __restrict__"
    ctypedef uint8_t* bptr "uint8_t * __restrict__"
    int eq_not_finite(double x) nogil
    Py_ssize_t eq_next_event(const uint8_t *flags, Py_ssize_t j, Py_ssize_t n) nogil
    double eq_min(double a, double b) nogil
    double eq_max(double a, double b) nogil
    double eq_sign(double x) nogil
    double eq_heaviside(double x, double h0) nogil
    double eq_exprel(double x) nogil
    double eq_mod(double a, double b) nogil
    const double eq_nan "NAN"
    const double eq_inf "INFINITY"

ARGUMENTS = (
    "_n",
    "_nsteps",
    "_step0",
    "_dt",
    "_s_v",
    "eqv_C",
    "eqv_g_L",
    "eqv_V_L",
    "eqv_V_T",
    "eqv_V_r",
    "_p_I",
    "_ref",
    "_record_spikes",
    "_spike_index",
    "_spike_step",
    "_spike_count",
    "_spike_capacity",
    "_err",
    "_threads",
    "_all_flags",
    "_block_events",
    "_m0_idx",
    "_m0_n",
    "_m0_every",
    "_m0_count",
    "_m0_var_v",
    "_m0_var_r",
)


cdef inline void _record_spikes_of(const uint8_t *_flags, Py_ssize_t _b0, Py_ssize_t _count,
                                  int64_t _g, iptr _spike_index, lptr _spike_step,
                                  lptr _spike_count) noexcept nogil:
    cdef Py_ssize_t _j = eq_next_event(_flags, 0, _count)
    while _j < _count:
        _spike_index[_spike_count[0]] = <int32_t>(_b0 + _j)
        _spike_step[_spike_count[0]] = _g + 1
        _spike_count[0] += 1
        _j = eq_next_event(_flags, _j + 1, _count)


cdef inline void _find_nonfinite(Py_ssize_t _b0, Py_ssize_t _b1, int64_t _g,
                                 int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    """A neuron whose state blew up is left as it was (not clipped, not reset): find it."""
    cdef Py_ssize_t _i
    for _i in range(_b0, _b1):
        if eq_not_finite(_s_v[_i]) and _err[0] < 0:
            _err[0] = _g
            _err[1] = _i


cdef inline int32_t _update_block(Py_ssize_t _b0, Py_ssize_t _b1, int64_t _g, double _t,
                                  double _tn, uint8_t *_flags, const double *_kv,
                                  int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    """Advance neurons _b0.._b1-1 by one step. Returns events: bit 0 spike, bit 1 non-finite."""
    cdef Py_ssize_t _i
    cdef int32_t _flag, _events = 0, _bad, _fire, _r
    cdef double eqv_v
    cdef double eqv_I
    cdef double _active
    cdef double _new_eqv_v
    cdef double _k0
    cdef double _k1
    cdef double _k2
    cdef double _k3
    _k0 = _kv[0]
    _k1 = _kv[1]
    _k2 = _kv[2]
    _k3 = _kv[3]
    for _i in range(_b0, _b1):
        eqv_v = _s_v[_i]
        eqv_I = _p_I[_i]
        _r = _ref[_i]
        _active = <double>(_r == 0)
        _new_eqv_v = (_k3*(_k1*(_k0 + eqv_I) + _k2*eqv_v) + eqv_v if (_active > 0.0) else eqv_v)
        _bad = eq_not_finite(_new_eqv_v)
        _new_eqv_v = _new_eqv_v if _bad else eq_max(_new_eqv_v, -100.0)
        eqv_v = _new_eqv_v
        _fire = <int32_t>(_r == 0) & <int32_t>(eqv_v > eqv_V_T) & (_bad ^ 1)
        eqv_v = eqv_V_r if _fire else eqv_v
        _ref[_i] = <int32_t>(fmax(2.0, 0.0) / _dt + 0.5) if _fire else _r - <int32_t>(_r > 0)
        _flag = _fire | (_bad << 1)
        _s_v[_i] = eqv_v
        _flags[_i - _b0] = <uint8_t>_fire
        _events = _events | _flag
    return _events


from cython.parallel cimport parallel, threadid

cdef extern from *:
    """
    /* threads > 1: one team of threads per kernel call (one parallel region, not one per
       step). Each thread owns a range of blocks; when its own are done it takes blocks from
       the others, so a thread that the system preempts holds a step up only while it is
       inside a block. The thread that finishes the last block of a step does the step's
       serial work (spikes in neuron order, checks, monitors) and opens the next step. A
       thread with nothing left to take spins for EQ_SPIN_NS, then sleeps (a futex on
       Linux, sched_yield elsewhere), so a preempted partner does not make the others spin. */
    #include <stdint.h>
    #include <stdlib.h>
    #include <string.h>
    #include <time.h>
    #ifdef __linux__
    #include <linux/futex.h>
    #include <sys/syscall.h>
    #include <unistd.h>
    #else
    #include <sched.h>
    #endif
    #define EQ_LINE 64
    #define EQ_SPIN_NS 50000
    typedef struct { int64_t next, start, end; } __attribute__((aligned(EQ_LINE))) eq_range;
    typedef struct { int32_t value; } __attribute__((aligned(EQ_LINE))) eq_word;
    typedef struct {
        eq_range done;                 /* .next: blocks finished in the open step */
        eq_word epoch;                 /* futex word: +1 when a step opens or the run stops */
        eq_word sleeping;              /* 1: a thread may be asleep on epoch */
        struct { int64_t step, result, nranges; int32_t stop; } __attribute__((aligned(EQ_LINE))) s;
        eq_range range[];
    } eq_team;

    static eq_team *eq_team_new(int64_t nthreads, int64_t nblocks) {
        size_t size = sizeof(eq_team) + (size_t)nthreads * sizeof(eq_range);
        eq_team *t = aligned_alloc(EQ_LINE, (size + EQ_LINE - 1) / EQ_LINE * EQ_LINE);
        if (!t) return NULL;
        memset(t, 0, size);
        t->s.nranges = nthreads;
        for (int64_t k = 0; k < nthreads; k++) {
            t->range[k].start = t->range[k].next = nblocks * k / nthreads;
            t->range[k].end = nblocks * (k + 1) / nthreads;
        }
        return t;
    }
    /* A block of the open step (its own range first), or -1 when none is left to take. */
    static inline int64_t eq_claim(eq_team *t, int64_t tid) {
        for (int64_t k = 0; k < t->s.nranges; k++) {
            eq_range *r = &t->range[(tid + k) % t->s.nranges];
            if (__atomic_load_n(&r->next, __ATOMIC_RELAXED) >= r->end) continue;
            int64_t b = __atomic_fetch_add(&r->next, 1, __ATOMIC_ACQ_REL);
            if (b < r->end) return b;
        }
        return -1;
    }
    /* The step of a claimed block: it cannot move on before that block is finished. */
    static inline int64_t eq_step(eq_team *t) { return __atomic_load_n(&t->s.step, __ATOMIC_RELAXED); }
    /* A thread reports the blocks it finished once it finds none left to take (not once per
       block: the shared counter would bounce between the cores' caches every block). */
    static inline int eq_finish(eq_team *t, int64_t nblocks, int64_t count) {
        return __atomic_add_fetch(&t->done.next, count, __ATOMIC_ACQ_REL) == nblocks;
    }
    static inline int32_t eq_epoch(eq_team *t) { return __atomic_load_n(&t->epoch.value, __ATOMIC_ACQUIRE); }
    static inline int eq_stopped(eq_team *t) { return __atomic_load_n(&t->s.stop, __ATOMIC_ACQUIRE); }
    static inline int64_t eq_result(eq_team *t) { return t->s.result; }

    static void eq_wake(eq_team *t) {
        __atomic_add_fetch(&t->epoch.value, 1, __ATOMIC_SEQ_CST);
        if (__atomic_exchange_n(&t->sleeping.value, 0, __ATOMIC_SEQ_CST)) {
    #ifdef __linux__
            syscall(SYS_futex, &t->epoch.value, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
    #endif
        }
    }
    static void eq_open(eq_team *t, int64_t step) {
        __atomic_store_n(&t->done.next, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&t->s.step, step, __ATOMIC_RELAXED);
        for (int64_t k = 0; k < t->s.nranges; k++)
            __atomic_store_n(&t->range[k].next, t->range[k].start, __ATOMIC_RELEASE);
        eq_wake(t);
    }
    static void eq_stop(eq_team *t, int64_t result) {
        t->s.result = result;
        __atomic_store_n(&t->s.stop, 1, __ATOMIC_RELEASE);
        eq_wake(t);
    }
    static inline void eq_pause(void) {
    #if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
    #elif defined(__aarch64__)
        __asm__ __volatile__("yield");
    #endif
    }
    static inline int64_t eq_now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
    /* Returns once epoch differs from the given one. */
    static void eq_wait(eq_team *t, int32_t epoch) {
        int64_t deadline = 0;
        for (uint32_t i = 1; eq_epoch(t) == epoch; i++) {
            eq_pause();
            if (i % 64) continue;
            int64_t now = eq_now_ns();
            if (!deadline) deadline = now + EQ_SPIN_NS;
            else if (now > deadline) break;
        }
        while (eq_epoch(t) == epoch) {
            __atomic_store_n(&t->sleeping.value, 1, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&t->epoch.value, __ATOMIC_SEQ_CST) != epoch) return;
    #ifdef __linux__
            syscall(SYS_futex, &t->epoch.value, FUTEX_WAIT_PRIVATE, epoch, NULL, NULL, 0);
    #else
            sched_yield();
    #endif
        }
    }
    """
    ctypedef struct eq_team:
        pass
    eq_team *eq_team_new(int64_t nthreads, int64_t nblocks) nogil
    void eq_team_free "free"(eq_team *team) nogil
    int64_t eq_claim(eq_team *team, int64_t tid) nogil
    int64_t eq_step(eq_team *team) nogil
    bint eq_finish(eq_team *team, int64_t nblocks, int64_t count) nogil
    int32_t eq_epoch(eq_team *team) nogil
    bint eq_stopped(eq_team *team) nogil
    int64_t eq_result(eq_team *team) nogil
    void eq_open(eq_team *team, int64_t step) nogil
    void eq_stop(eq_team *team, int64_t result) nogil
    void eq_wait(eq_team *team, int32_t epoch) nogil


cdef inline void _record_monitors(int64_t _g, int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    """State monitors sample the state at the start of step _g."""
    cdef Py_ssize_t _i, _j
    cdef double _t = _g * _dt
    cdef double eqv_v
    cdef double eqv_I
    cdef double eqv_r
    if _g % _m0_every == 0:
        for _j in range(_m0_n):
            _i = _m0_idx[_j]
            eqv_v = _s_v[_i]
            eqv_I = _p_I[_i]
            eqv_r = eq_max(0.0, eqv_v + 60.0)
            _m0_var_v[_m0_count[0] * _m0_n + _j] = eqv_v
            _m0_var_r[_m0_count[0] * _m0_n + _j] = eqv_r
        _m0_count[0] += 1


cdef inline bint _must_stop(int64_t _done, int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    """After _done steps: all done, a blow-up, or the spike buffer could overflow next step."""
    return _done == _nsteps or _err[0] >= 0 or _spike_count[0] + _n > _spike_capacity


cdef void _end_step(eq_team *_team, Py_ssize_t _nblocks, int64_t _g,
                    int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    """The serial part of step _g, in neuron order as with one thread; opens the next step."""
    cdef Py_ssize_t _bi, _b0, _b1
    for _bi in range(_nblocks):
        if _block_events[_bi]:
            _b0 = _bi * 256
            _b1 = min(_b0 + 256, _n)
            if _block_events[_bi] & 1 and _record_spikes:
                _record_spikes_of(_all_flags + _b0, _b0, _b1 - _b0, _g, _spike_index,
                                  _spike_step, _spike_count)
            if _block_events[_bi] & 2:
                _find_nonfinite(_b0, _b1, _g, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
    if _must_stop(_g + 1 - _step0, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r):
        eq_stop(_team, _g + 1 - _step0)
    else:
        _record_monitors(_g + 1, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
        eq_open(_team, _g + 1 - _step0)


cdef void _work(eq_team *_team, int64_t _tid, Py_ssize_t _nblocks, const double *_kv,
                int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    """One thread of the team: take blocks of the open step until the run stops."""
    cdef int32_t _epoch
    cdef int64_t _bi, _g, _finished = 0
    cdef Py_ssize_t _b0
    cdef double _t
    while True:
        _epoch = eq_epoch(_team)
        if eq_stopped(_team):
            return
        _bi = eq_claim(_team, _tid)
        if _bi < 0:
            if _finished > 0:
                _g = _step0 + eq_step(_team)
                if eq_finish(_team, _nblocks, _finished):
                    _finished = 0
                    _end_step(_team, _nblocks, _g, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
                    continue
                _finished = 0
            eq_wait(_team, _epoch)
            continue
        _g = _step0 + eq_step(_team)
        _t = _g * _dt
        _b0 = _bi * 256
        _block_events[_bi] = <uint8_t>_update_block(
            _b0, min(_b0 + 256, _n), _g, _t, _t + _dt, _all_flags + _b0, _kv,
            _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
        _finished += 1


cdef int64_t _run_team(Py_ssize_t _nblocks, const double *_kv,
                       int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    """threads > 1; returns -1 if the team cannot be set up (then one thread runs)."""
    cdef int64_t _size = min(_threads, _nblocks), _done
    cdef eq_team *_team = eq_team_new(_size, _nblocks)
    if _team == NULL:
        return -1
    _record_monitors(_step0, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
    with parallel(num_threads=_size):
        _work(_team, threadid(), _nblocks, _kv, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
    _done = eq_result(_team)
    eq_team_free(_team)
    return _done


cdef int64_t _run(int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref, int64_t _record_spikes, iptr _spike_index, lptr _spike_step, lptr _spike_count, int64_t _spike_capacity, lptr _err, int64_t _threads, bptr _all_flags, bptr _block_events, lptr _m0_idx, int64_t _m0_n, int64_t _m0_every, lptr _m0_count, dptr _m0_var_v, dptr _m0_var_r) noexcept nogil:
    cdef Py_ssize_t _b0, _b1
    cdef Py_ssize_t _nblocks = (_n + 256 - 1) // 256
    cdef int64_t _step, _g, _done
    cdef uint8_t _flags[256]
    cdef int32_t _events
    cdef double _t, _tn
    cdef double _kv[4]
    _kv[0] = eqv_V_L*eqv_g_L
    _kv[1] = (1.0/(eqv_C))
    _kv[2] = -eqv_g_L/eqv_C
    _kv[3] = _dt*eq_exprel(-_dt*eqv_g_L/eqv_C)
    if _nsteps <= 0:
        return 0
    if _threads > 1 and _nblocks > 1:
        _done = _run_team(_nblocks, _kv, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
        if _done >= 0:
            return _done
    for _step in range(_nsteps):
        _g = _step0 + _step
        _t = _g * _dt
        _tn = _t + _dt
        _record_monitors(_g, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
        for _b0 in range(0, _n, 256):
            _b1 = min(_b0 + 256, _n)
            _events = _update_block(_b0, _b1, _g, _t, _tn, _flags, _kv, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
            if _events & 1 and _record_spikes:
                _record_spikes_of(_flags, _b0, _b1 - _b0, _g, _spike_index, _spike_step,
                                  _spike_count)
            if _events & 2:
                _find_nonfinite(_b0, _b1, _g, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r)
        if _must_stop(_step + 1, _n, _nsteps, _step0, _dt, _s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, _p_I, _ref, _record_spikes, _spike_index, _spike_step, _spike_count, _spike_capacity, _err, _threads, _all_flags, _block_events, _m0_idx, _m0_n, _m0_every, _m0_count, _m0_var_v, _m0_var_r):
            return _step + 1
    return _nsteps


def run(int64_t _n, int64_t _nsteps, int64_t _step0, double _dt, uintptr_t _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, uintptr_t _p_I, uintptr_t _ref, int64_t _record_spikes, uintptr_t _spike_index, uintptr_t _spike_step, uintptr_t _spike_count, int64_t _spike_capacity, uintptr_t _err, int64_t _threads, uintptr_t _all_flags, uintptr_t _block_events, uintptr_t _m0_idx, int64_t _m0_n, int64_t _m0_every, uintptr_t _m0_count, uintptr_t _m0_var_v, uintptr_t _m0_var_r):
    """Advance LIF by _nsteps steps; returns the number of steps done."""
    cdef int64_t _done
    with nogil:
        _done = _run(_n, _nsteps, _step0, _dt, <dptr>_s_v, eqv_C, eqv_g_L, eqv_V_L, eqv_V_T, eqv_V_r, <dptr>_p_I, <iptr>_ref, _record_spikes, <iptr>_spike_index, <lptr>_spike_step, <lptr>_spike_count, _spike_capacity, <lptr>_err, _threads, <bptr>_all_flags, <bptr>_block_events, <lptr>_m0_idx, _m0_n, _m0_every, <lptr>_m0_count, <dptr>_m0_var_v, <dptr>_m0_var_r)
    return _done
