/* N1 with plasticity: every excitatory synapse of CUBA is the shipped STDP synapse
 * (models/plasticity.eqn, Song, Miller & Abbott 2000) with w_max = 2 * 1.62 mV:
 *     per synapse x, y with tau_plus dx/dt = -x, tau_minus dy/dt = -y (closed form between
 *     events: x *= exp(D * (-1/tau)), the reciprocal computed once, as eqneuro does);
 *     on_pre:  ge += w; x += A_PLUS; w = clip(w - y*W_MAX, 0, W_MAX)
 *     on_post: y += A_MINUS; w = clip(w + x*W_MAX, 0, W_MAX)
 * In each step: the neurons, then on_pre of this step's spikes (delay 0; excitatory rows
 * with STDP, inhibitory ones a fixed weight), then on_post for this step's spikes over each
 * neuron's incoming excitatory synapses (rows by post neuron built at load; best: the
 * synapse 8 ahead in the row prefetched, as eqneuro does). Every repeat starts from the
 * same weights.  Included by net_cuba.c when PLASTIC is defined. */
#ifndef EQNEURO_NET_STDP_H
#define EQNEURO_NET_STDP_H

#define W_MAX 3.24
#define TAU_PLUS 20.0
#define TAU_MINUS 20.0
#define A_PLUS 0.005
#define A_MINUS 0.00525

typedef struct {
    size_t m_exc;                   /* the excitatory synapses come first (sorted by pre) */
    double *w, *x, *y, *last;
    int64_t *prow, *psyn;           /* the excitatory synapses of each post neuron */
} stdp_t;

static stdp_t stdp;

static void stdp_setup(const net_t *net)
{
    size_t m = (size_t)net->ptr[net->n_exc], N = net->N;
    stdp.m_exc = m;
    stdp.w = net_alloc(m * sizeof(double));
    stdp.x = net_alloc(m * sizeof(double));
    stdp.y = net_alloc(m * sizeof(double));
    stdp.last = net_alloc(m * sizeof(double));
    stdp.prow = calloc(N + 1, sizeof(int64_t));
    stdp.psyn = net_alloc((m + 1) * sizeof(int64_t));
    for (size_t syn = 0; syn < m; syn++)
        stdp.prow[net->post[syn] + 1]++;
    for (size_t j = 0; j < N; j++)
        stdp.prow[j + 1] += stdp.prow[j];
    int64_t *fill = malloc((N + 1) * sizeof(int64_t));
    memcpy(fill, stdp.prow, (N + 1) * sizeof(int64_t));
    for (size_t syn = 0; syn < m; syn++)      /* in synapse order within each post row */
        stdp.psyn[fill[net->post[syn]]++] = (int64_t)syn;
    free(fill);
}

static void stdp_reset(void)
{
    for (size_t syn = 0; syn < stdp.m_exc; syn++) {
        stdp.w[syn] = WE;
        stdp.x[syn] = stdp.y[syn] = stdp.last[syn] = 0.0;
    }
}

static const double RATE_PLUS = -1.0 / TAU_PLUS, RATE_MINUS = -1.0 / TAU_MINUS;

static inline void stdp_bring_up_to_date(size_t syn, double t)
{
    double D = t - stdp.last[syn];
    stdp.x[syn] = stdp.x[syn] * exp(RATE_PLUS * D);
    stdp.y[syn] = stdp.y[syn] * exp(RATE_MINUS * D);
}

static inline void stdp_prefetch(int64_t syn)
{
    __builtin_prefetch(stdp.last + syn, 1);
    __builtin_prefetch(stdp.x + syn, 1);
    __builtin_prefetch(stdp.y + syn, 1);
    __builtin_prefetch(stdp.w + syn, 1);
}

static inline double stdp_clip(double w)
{
    double low = w > 0.0 ? w : 0.0;
    return low < W_MAX ? low : W_MAX;
}

/* on_pre of the spikes sp->i[first..] (emitted at step e), then on_post for them */
static inline void stdp_deliver(const spiking_t *s, const spikes_t *sp, size_t first,
                                int64_t e)
{
    const net_t *net = &s->net;
    double t = (double)e * DT;
    for (size_t k = first; k < sp->n; k++) {
        int32_t i = sp->i[k];
        if ((size_t)i < net->n_exc) {
            for (int64_t syn = net->ptr[i]; syn < net->ptr[i + 1]; syn++) {
                stdp_bring_up_to_date((size_t)syn, t);
                s->ge[net->post[syn]] += stdp.w[syn];
                stdp.x[syn] += A_PLUS;
                stdp.w[syn] = stdp_clip(stdp.w[syn] - stdp.y[syn] * W_MAX);
                stdp.last[syn] = t;
            }
        } else {
            for (int64_t syn = net->ptr[i]; syn < net->ptr[i + 1]; syn++)
                s->gi[net->post[syn]] += WI;
        }
    }
    for (size_t k = first; k < sp->n; k++) {
        int32_t j = sp->i[k];
        int64_t end = stdp.prow[j + 1];
#ifdef BEST     /* the synapses of j are scattered: prefetch 8 ahead, and the next row's first 8 */
        if (k + 1 < sp->n)
            for (int64_t q = stdp.prow[sp->i[k + 1]], e = q + 8; q < e && q < stdp.prow[sp->i[k + 1] + 1]; q++)
                stdp_prefetch(stdp.psyn[q]);
#endif
        for (int64_t q = stdp.prow[j]; q < end; q++) {
#ifdef BEST
            if (q + 8 < end)
                stdp_prefetch(stdp.psyn[q + 8]);
#endif
            size_t syn = (size_t)stdp.psyn[q];
            stdp_bring_up_to_date(syn, t);
            stdp.y[syn] += A_MINUS;
            stdp.w[syn] = stdp_clip(stdp.w[syn] + stdp.x[syn] * W_MAX);
            stdp.last[syn] = t;
        }
    }
}

static void stdp_spiking_reset(void *ctx)
{
    spiking_reset(ctx);
    stdp_reset();
}

static int stdp_main(int argc, char **argv, void (*run)(void *, spikes_t *))
{
    return spiking_main_with(argc, argv, "cuba_stdp", run, stdp_setup, stdp_spiking_reset);
}

#endif
