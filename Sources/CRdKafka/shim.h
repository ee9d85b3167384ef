#ifndef STATUSRELAY_CRDKAFKA_SHIM_H
#define STATUSRELAY_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#endif
