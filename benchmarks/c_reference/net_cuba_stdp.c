/* N1 CUBA with STDP on every excitatory synapse: net_cuba.c with net_stdp.h's delivery. */
#define PLASTIC
#include "net_cuba.c"
