# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, infer_types=False, nonecheck=False
# eqneuro network kernel: LIF, method exact; eqneuro VERSION
# Built-in functions print as _libm.<C name> (eqneuro/functions.py) or as eq_* helpers below;
# fmax is only for the refractory period (a negative or NaN period means none).
from libc cimport math as _libm
from libc.math cimport fmax
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t, uintptr_t
from libc.string cimport memset

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
    /* The first j >= start with flags[j] != 0 (or n): events are rare, so test 4 at once.
       (Flags are int32, as wide as the refractory counters: a uint8 flag would make the
       vectorised update loop take 64 neurons at once and spill its registers.) */
    /* Prefetch the synapse row of presynaptic row i, and the post values its spike updates. */
    static inline void eq_prefetch_row(const int32_t *post, const int64_t *row, int64_t i) {
        const char *q = (const char *)((uintptr_t)(post + row[i]) & ~(uintptr_t)63);
        const char *end = (const char *)(post + row[i + 1]);
        for (; q < end; q += 64) __builtin_prefetch(q);
    }
    static inline void eq_prefetch_targets(const double *g, const int32_t *post,
                                           const int64_t *row, int64_t i) {
        for (int64_t k = row[i]; k < row[i + 1]; k++) __builtin_prefetch(g + post[k], 1);
    }
    /* Prefetch per-synapse values a[syn[q]] for q in [lo, min(lo + n, hi)): on_post's
       synapses of one post neuron are scattered over the per-synapse arrays. */
    static inline void eq_prefetch_synapses(const double *a, const int64_t *syn, int64_t lo,
                                            int64_t hi, int64_t n) {
        for (int64_t q = lo; q < hi && q < lo + n; q++) __builtin_prefetch(a + syn[q], 1);
    }
    /* A SpikeSource: the events given for neuron i at `step` (its events are sorted by
       step; next[i] is the first not yet emitted, row[i + 1] the end of its events). */
    static inline int32_t eq_scheduled(int64_t *next, const int64_t *row, const int64_t *steps,
                                       Py_ssize_t i, int64_t step) {
        int32_t count = 0;
        while (next[i] < row[i + 1] && steps[next[i]] == step) { count++; next[i]++; }
        return count;
    }
    /* A TimedArray (eqneuro/timed_array.py): sample floor(t / dt + 1e-6), clipped to the
       samples; colstep is 0 for one value for all neurons, 1 for a column per neuron. */
    static inline double eq_timed(const double *values, int64_t rows, int64_t cols,
                                  int64_t colstep, double dt, double t, Py_ssize_t i) {
        double x = floor(t / dt + 1e-6);
        int64_t k = x > 0.0 ? (x < (double)rows ? (int64_t)x : rows - 1) : 0;
        return values[k * cols + colstep * i];
    }
    static inline Py_ssize_t eq_next_event(const int32_t *flags, Py_ssize_t j, Py_ssize_t n) {
        uint64_t a, b;
        while (j + 4 <= n) {
            memcpy(&a, flags + j, 8); memcpy(&b, flags + j + 2, 8);
            if (a | b) break;
            j += 4;
        }
        while (j < n && !flags[j]) j++;
        return j;
    }
    """
    ctypedef double* dptr "double * __restrict__"
    ctypedef int32_t* iptr "int32_t * __restrict__"
    ctypedef int64_t* lptr "int64_t * __restrict__"
    ctypedef uint8_t* bptr "uint8_t * __restrict__"
    int eq_not_finite(double x) nogil
    Py_ssize_t eq_next_event(const int32_t *flags, Py_ssize_t j, Py_ssize_t n) nogil
    int32_t eq_scheduled(int64_t *next, const int64_t *row, const int64_t *steps, Py_ssize_t i,
                         int64_t step) nogil
    double eq_timed(const double *values, int64_t rows, int64_t cols, int64_t colstep,
                    double dt, double t, Py_ssize_t i) nogil
    void eq_prefetch_row(const int32_t *post, const int64_t *row, int64_t i) nogil
    void eq_prefetch_targets(const double *g, const int32_t *post, const int64_t *row,
                             int64_t i) nogil
    void eq_prefetch_synapses(const double *a, const int64_t *syn, int64_t lo, int64_t hi,
                              int64_t n) nogil
    double eq_min(double a, double b) nogil
    double eq_max(double a, double b) nogil
    double eq_sign(double x) nogil
    double eq_heaviside(double x, double h0) nogil
    double eq_exprel(double x) nogil
    double eq_mod(double a, double b) nogil
    const double eq_nan "NAN"
    const double eq_inf "INFINITY"


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



cdef struct _Net:
    int64_t _nsteps, _step0, _threads, _nblocks
    double _dt
    lptr _err
    bptr _block_events
    dptr p0_s_v
    double p0_eqv_C
    double p0_eqv_g_L
    double p0_eqv_V_L
    double p0_eqv_V_T
    double p0_eqv_V_r
    dptr p0_p_I
    iptr p0_ref
    int64_t p0_n
    int64_t p0_bstart
    int64_t p0_bend
    int64_t p0_record_spikes
    iptr p0_spike_index
    lptr p0_spike_step
    lptr p0_spike_count
    int64_t p0_spike_capacity
    iptr p0_all_flags
    iptr p0_fired
    lptr p0_m0_idx
    int64_t p0_m0_n
    int64_t p0_m0_every
    lptr p0_m0_count
    dptr p0_m0_var_v
    dptr p0_m0_var_r
    double p0_kv[5]
    int64_t p0_nfired

# run(values): one value per field, in this order (kind d/i/l/b: an address of double/int32/
# int64/uint8 data; f: a float; n: an integer).
FIELDS = (
    ("p0_s_v", "d"),
    ("p0_eqv_C", "f"),
    ("p0_eqv_g_L", "f"),
    ("p0_eqv_V_L", "f"),
    ("p0_eqv_V_T", "f"),
    ("p0_eqv_V_r", "f"),
    ("p0_p_I", "d"),
    ("p0_ref", "i"),
    ("p0_n", "n"),
    ("p0_bstart", "n"),
    ("p0_bend", "n"),
    ("p0_record_spikes", "n"),
    ("p0_spike_index", "i"),
    ("p0_spike_step", "l"),
    ("p0_spike_count", "l"),
    ("p0_spike_capacity", "n"),
    ("p0_all_flags", "i"),
    ("p0_fired", "i"),
    ("p0_m0_idx", "l"),
    ("p0_m0_n", "n"),
    ("p0_m0_every", "n"),
    ("p0_m0_count", "l"),
    ("p0_m0_var_v", "d"),
    ("p0_m0_var_r", "d"),
)


# ---- population 0: LIF, method exact
cdef inline int32_t _update_p0(Py_ssize_t _b0, Py_ssize_t _b1, int64_t _g, double _t,
        double _tn, double _dt, int32_t *_flags, const double *_kv,
        dptr _s_v, double eqv_C, double eqv_g_L, double eqv_V_L, double eqv_V_T, double eqv_V_r, dptr _p_I, iptr _ref) noexcept nogil:
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
    cdef double _k4
    _k0 = _kv[0]
    _k1 = _kv[1]
    _k2 = _kv[2]
    _k3 = _kv[3]
    _k4 = _kv[4]
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
        _ref[_i] = <int32_t>(fmax(_k4, 0.0) + 0.5) if _fire else _r - <int32_t>(_r > 0)
        _flag = _fire | (_bad << 1)
        _s_v[_i] = eqv_v
        _flags[_i - _b0] = _fire
        _events = _events | _flag
    return _events


cdef inline int32_t _block_p0(_Net *_net, Py_ssize_t _b0, int64_t _g,
                                  int32_t *_flags) noexcept nogil:
    cdef double _t = _g * _net._dt
    return _update_p0(_b0, min(_b0 + 256, _net.p0_n), _g, _t,
                          _t + _net._dt, _net._dt, _flags, _net.p0_kv,
                          _net.p0_s_v, _net.p0_eqv_C, _net.p0_eqv_g_L, _net.p0_eqv_V_L, _net.p0_eqv_V_T, _net.p0_eqv_V_r, _net.p0_p_I, _net.p0_ref)


cdef void _collect_p0(_Net *_net, Py_ssize_t _b0, Py_ssize_t _count, int64_t _g,
                          const int32_t *_flags) noexcept nogil:
    """This block's spikes, in neuron order: to the step's list and to the spike monitor
    (an event source's neuron once per event, its events adjacent)."""
    cdef bint _record = _net.p0_record_spikes
    cdef int64_t _m = _net.p0_spike_count[0]
    cdef iptr _index = _net.p0_spike_index
    cdef lptr _step = _net.p0_spike_step
    cdef Py_ssize_t _j = eq_next_event(_flags, 0, _count)
    while _j < _count:
        if _record:
            _index[_m] = <int32_t>(_b0 + _j)
            _step[_m] = _g + 1
            _m += 1
        _j = eq_next_event(_flags, _j + 1, _count)
    _net.p0_spike_count[0] = _m


cdef void _nonfinite_p0(_Net *_net, Py_ssize_t _b0, int64_t _g) noexcept nogil:
    """A neuron whose state blew up is left as it was (not clipped, not reset): find it."""
    cdef Py_ssize_t _i
    for _i in range(_b0, min(_b0 + 256, _net.p0_n)):
        if eq_not_finite(_net.p0_s_v[_i]) and _net._err[0] < 0:
            _net._err[0] = _g
            _net._err[1] = _i
            _net._err[2] = 0


cdef void _record_p0(_Net *_net, int64_t _g) noexcept nogil:
    """State monitors sample the state at the start of step _g."""
    cdef Py_ssize_t _i, _j
    cdef double _t = _g * _net._dt
    cdef double _dt = _net._dt
    cdef dptr _s_v = _net.p0_s_v
    cdef double eqv_C = _net.p0_eqv_C
    cdef double eqv_g_L = _net.p0_eqv_g_L
    cdef double eqv_V_L = _net.p0_eqv_V_L
    cdef double eqv_V_T = _net.p0_eqv_V_T
    cdef double eqv_V_r = _net.p0_eqv_V_r
    cdef dptr _p_I = _net.p0_p_I
    cdef iptr _ref = _net.p0_ref
    cdef int64_t _n = _net.p0_n
    cdef int64_t _bstart = _net.p0_bstart
    cdef int64_t _bend = _net.p0_bend
    cdef int64_t _record_spikes = _net.p0_record_spikes
    cdef iptr _spike_index = _net.p0_spike_index
    cdef lptr _spike_step = _net.p0_spike_step
    cdef lptr _spike_count = _net.p0_spike_count
    cdef int64_t _spike_capacity = _net.p0_spike_capacity
    cdef iptr _all_flags = _net.p0_all_flags
    cdef iptr _fired = _net.p0_fired
    cdef lptr _m0_idx = _net.p0_m0_idx
    cdef int64_t _m0_n = _net.p0_m0_n
    cdef int64_t _m0_every = _net.p0_m0_every
    cdef lptr _m0_count = _net.p0_m0_count
    cdef dptr _m0_var_v = _net.p0_m0_var_v
    cdef dptr _m0_var_r = _net.p0_m0_var_r
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
    pass


cdef void _prelude_p0(_Net *_net) noexcept nogil:
    """Loop invariants of scalar parameters and dt, once per run (the block function reads them)."""
    cdef double _t = _net._step0 * _net._dt
    cdef double _dt = _net._dt
    cdef double *_kv = _net.p0_kv
    cdef double eqv_C = _net.p0_eqv_C
    cdef double eqv_g_L = _net.p0_eqv_g_L
    cdef double eqv_V_L = _net.p0_eqv_V_L
    cdef double eqv_V_T = _net.p0_eqv_V_T
    cdef double eqv_V_r = _net.p0_eqv_V_r
    _kv[0] = eqv_V_L*eqv_g_L
    _kv[1] = (1.0/(eqv_C))
    _kv[2] = -eqv_g_L/eqv_C
    _kv[3] = _dt*eq_exprel(-_dt*eqv_g_L/eqv_C)
    _kv[4] = 2.0/_dt
    pass


# ---- the step, in the order of DESIGN.md "Networks" (written once, here)
cdef void _inputs(_Net *_net, int64_t _g) noexcept nogil:
    """1. Continuous inputs: every sum(T) from the state at t = _g*dt."""
    pass


cdef void _begin_step(_Net *_net, int64_t _g) noexcept nogil:
    """Before the step from t = _g*dt: the inputs, the monitors' samples of the state at t,
    then the every-step synapse variables to t+dt."""
    _inputs(_net, _g)
    _record_p0(_net, _g)


cdef inline int32_t _block(_Net *_net, Py_ssize_t _bi, int64_t _g, int32_t *_flags) noexcept nogil:
    """2. Block _bi of the network integrates to t+dt, tests spikes, resets (flags: its spike
    flags, or NULL for the population's own flag array)."""
    if _bi < _net.p0_bend:
        _bi -= _net.p0_bstart
        return _block_p0(_net, _bi * 256, _g,
                           _flags if _flags != NULL else _net.p0_all_flags + _bi * 256)
    return 0


cdef void _block_done(_Net *_net, Py_ssize_t _bi, int64_t _g, const int32_t *_flags,
                      int32_t _events) noexcept nogil:
    """The spikes and blow-ups of block _bi, as they happened (flags as for _block)."""
    cdef Py_ssize_t _b0
    if _bi < _net.p0_bend:
        _b0 = (_bi - _net.p0_bstart) * 256
        if _events & 1:
            _collect_p0(_net, _b0, min(_b0 + 256, _net.p0_n) - _b0, _g,
                         _flags if _flags != NULL else _net.p0_all_flags + _b0)
        if _events & 2:
            _nonfinite_p0(_net, _b0, _g)
        return


cdef void _deliver(_Net *_net, int64_t _g) noexcept nogil:
    """3. Every spike whose delay ends at t+dt runs on_pre; 4. on_post for the post neurons
    that fired in this step (no delay)."""
    pass


cdef inline bint _must_stop(_Net *_net, int64_t _done) noexcept nogil:
    """After _done steps: all done, a blow-up, or a spike buffer could overflow next step."""
    if _done == _net._nsteps or _net._err[0] >= 0:
        return True
    if _net.p0_record_spikes and \
            _net.p0_spike_count[0] + _net.p0_n > _net.p0_spike_capacity:
        return True
    return False


cdef void _end_step(eq_team *_team, _Net *_net, int64_t _g) noexcept nogil:
    """The serial part of step _g, in block order as with one thread; opens the next step."""
    cdef Py_ssize_t _bi
    for _bi in range(_net._nblocks):
        if _net._block_events[_bi]:
            _block_done(_net, _bi, _g, NULL, _net._block_events[_bi])
    _deliver(_net, _g)
    if _must_stop(_net, _g + 1 - _net._step0):
        eq_stop(_team, _g + 1 - _net._step0)
    else:
        _begin_step(_net, _g + 1)
        eq_open(_team, _g + 1 - _net._step0)


cdef void _work(eq_team *_team, int64_t _tid, _Net *_net) noexcept nogil:
    """One thread of the team: take blocks of the open step until the run stops."""
    cdef int32_t _epoch
    cdef int64_t _bi, _g, _finished = 0
    while True:
        _epoch = eq_epoch(_team)
        if eq_stopped(_team):
            return
        _bi = eq_claim(_team, _tid)
        if _bi < 0:
            if _finished > 0:
                _g = _net._step0 + eq_step(_team)
                if eq_finish(_team, _net._nblocks, _finished):
                    _finished = 0
                    _end_step(_team, _net, _g)
                    continue
                _finished = 0
            eq_wait(_team, _epoch)
            continue
        _g = _net._step0 + eq_step(_team)
        _net._block_events[_bi] = <uint8_t>_block(_net, _bi, _g, NULL)
        _finished += 1


cdef int64_t _run_team(_Net *_net) noexcept nogil:
    """threads > 1; returns -1 if the team cannot be set up (then one thread runs)."""
    cdef int64_t _size = min(_net._threads, _net._nblocks), _done
    cdef eq_team *_team = eq_team_new(_size, _net._nblocks)
    if _team == NULL:
        return -1
    _begin_step(_net, _net._step0)
    with parallel(num_threads=_size):
        _work(_team, threadid(), _net)
    _done = eq_result(_team)
    eq_team_free(_team)
    return _done


cdef int64_t _run(_Net *_net) noexcept nogil:
    cdef Py_ssize_t _bi
    cdef int64_t _step, _g, _done
    cdef int32_t _flags[256]
    cdef int32_t _events
    _prelude_p0(_net)
    if _net._nsteps <= 0:
        return 0
    if _net._threads > 1 and _net._nblocks > 1:
        _done = _run_team(_net)
        if _done >= 0:
            _inputs(_net, _net._step0 + _done)
            return _done
    for _step in range(_net._nsteps):
        _g = _net._step0 + _step
        _begin_step(_net, _g)
        for _bi in range(_net._nblocks):
            _events = _block(_net, _bi, _g, _flags)
            if _events:
                _block_done(_net, _bi, _g, _flags, _events)
        _deliver(_net, _g)
        if _must_stop(_net, _step + 1):
            _inputs(_net, _g + 1)
            return _step + 1
    _inputs(_net, _net._step0 + _net._nsteps)
    return _net._nsteps


def run(values):
    """Advance the network by _nsteps steps; returns the number of steps done."""
    cdef _Net _net
    cdef int64_t _done
    _net._nsteps = values[0]
    _net._step0 = values[1]
    _net._threads = values[2]
    _net._nblocks = values[3]
    _net._dt = values[4]
    _net._err = <lptr><uintptr_t>values[5]
    _net._block_events = <bptr><uintptr_t>values[6]
    _net.p0_s_v = <dptr><uintptr_t>values[7]
    _net.p0_eqv_C = values[8]
    _net.p0_eqv_g_L = values[9]
    _net.p0_eqv_V_L = values[10]
    _net.p0_eqv_V_T = values[11]
    _net.p0_eqv_V_r = values[12]
    _net.p0_p_I = <dptr><uintptr_t>values[13]
    _net.p0_ref = <iptr><uintptr_t>values[14]
    _net.p0_n = values[15]
    _net.p0_bstart = values[16]
    _net.p0_bend = values[17]
    _net.p0_record_spikes = values[18]
    _net.p0_spike_index = <iptr><uintptr_t>values[19]
    _net.p0_spike_step = <lptr><uintptr_t>values[20]
    _net.p0_spike_count = <lptr><uintptr_t>values[21]
    _net.p0_spike_capacity = values[22]
    _net.p0_all_flags = <iptr><uintptr_t>values[23]
    _net.p0_fired = <iptr><uintptr_t>values[24]
    _net.p0_m0_idx = <lptr><uintptr_t>values[25]
    _net.p0_m0_n = values[26]
    _net.p0_m0_every = values[27]
    _net.p0_m0_count = <lptr><uintptr_t>values[28]
    _net.p0_m0_var_v = <dptr><uintptr_t>values[29]
    _net.p0_m0_var_r = <dptr><uintptr_t>values[30]
    with nogil:
        _done = _run(&_net)
    return _done
