/* N3 rate network (the lecture's reservoir without noise), explicit Euler, dt = 1 ms.
 *     tau dv/dt + v = in + g * sum_j W[i, j] r[j],   r = tanh(v),   tau = 30, g = 1.5
 * W dense (N x N, row i = post neuron i, W.f64 row-major), in.f64 the constant input of
 * each neuron (sum(in)), v0.f64 the initial v.  Per step: rec = W r from the rates at t,
 * then v += dt (in + g rec - v) / tau and r = tanh(v).
 *
 * plain: the textbook loop (one dot product per row; in strict IEEE order gcc keeps it
 *        scalar).
 * best (-DBEST, with -ffast-math): four rows per pass over r, each a vectorised
 *        reduction.
 * blas (-DUSE_BLAS): dgemv of an OpenBLAS; CBLAS_DGEMV and BLAS_SET_THREADS name its
 *        symbols (networks.py links the OpenBLAS that scipy ships).
 */
#include "net_common.h"

#define TAU 30.0
#define G 1.5
#define DT 1.0

typedef struct {
    net_t net;
    int64_t steps;
    double *W, *in, *v0;
    double *v, *r, *rec;
} rate_t;

#if defined(USE_BLAS)

void CBLAS_DGEMV(int order, int trans, int m, int n, double alpha, const double *a, int lda,
                 const double *x, int incx, double beta, double *y, int incy);
void BLAS_SET_THREADS(int threads);
enum { ROW_MAJOR = 101, NO_TRANS = 111 };   /* cblas.h's CblasRowMajor, CblasNoTrans */

static void matvec(size_t N, const double *W, const double *r, double *y)
{
    CBLAS_DGEMV(ROW_MAJOR, NO_TRANS, (int)N, (int)N, 1.0, W, (int)N, r, 1, 0.0, y, 1);
}

#elif defined(BEST)

BLOCK_FN matvec(size_t N, const double *restrict W, const double *restrict r,
                double *restrict y)
{
    size_t i = 0;
    for (; i + 4 <= N; i += 4) {
        const double *w0 = W + i * N, *w1 = w0 + N, *w2 = w1 + N, *w3 = w2 + N;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (size_t j = 0; j < N; j++) {
            double x = r[j];
            s0 += w0[j] * x;
            s1 += w1[j] * x;
            s2 += w2[j] * x;
            s3 += w3[j] * x;
        }
        y[i] = s0;
        y[i + 1] = s1;
        y[i + 2] = s2;
        y[i + 3] = s3;
    }
    for (; i < N; i++) {
        double s = 0.0;
        for (size_t j = 0; j < N; j++)
            s += W[i * N + j] * r[j];
        y[i] = s;
    }
}

#else

static void matvec(size_t N, const double *W, const double *r, double *y)
{
    for (size_t i = 0; i < N; i++) {
        double s = 0.0;
        for (size_t j = 0; j < N; j++)
            s += W[i * N + j] * r[j];
        y[i] = s;
    }
}

#endif

static void rate_reset(void *ctx)
{
    rate_t *s = ctx;
    memcpy(s->v, s->v0, s->net.N * sizeof(double));
    for (size_t i = 0; i < s->net.N; i++)
        s->r[i] = tanh(s->v[i]);
}

static void run(void *ctx, spikes_t *sp)
{
    (void)sp;
    rate_t *s = ctx;
    size_t N = s->net.N;
    double *v = s->v, *r = s->r, *rec = s->rec;
    const double *in = s->in;
    for (int64_t k = 0; k < s->steps; k++) {
        matvec(N, s->W, r, rec);
        for (size_t i = 0; i < N; i++) {
            v[i] += DT * ((in[i] + G * rec[i] - v[i]) / TAU);
            r[i] = tanh(v[i]);
        }
    }
}

int main(int argc, char **argv)
{
    const char *dir;
    int64_t steps;
    int repeats;
    net_args(argc, argv, &dir, &steps, &repeats);
#ifdef USE_BLAS
    BLAS_SET_THREADS(1);
#endif
    double t0 = net_now();
    rate_t s = {.net = net_load(dir, 0), .steps = steps};
    size_t N = s.net.N;
    s.net.M = N * N;
    s.W = net_read(dir, "W.f64", sizeof(double), N * N, NULL);
    s.in = net_read(dir, "in.f64", sizeof(double), N, NULL);
    s.v0 = net_read(dir, "v0.f64", sizeof(double), N, NULL);
    double load_s = net_now() - t0;
    s.v = net_alloc(N * sizeof(double));
    s.r = net_alloc(N * sizeof(double));
    s.rec = net_alloc(N * sizeof(double));
    net_timing_t t = net_time(repeats, &s, rate_reset, run, &s.net);
    net_print("rate", &s.net, steps, repeats, load_s, -1.0, &t, s.v);
    return 0;
}
