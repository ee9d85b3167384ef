#ifndef STATUSRELAY_CRDKAFKA_SHIM_H
#define STATUSRELAY_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
/* librdkafka's built-in mock cluster: used by tests to inject broker errors a real broker cannot produce on demand. */
#include <librdkafka/rdkafka_mock.h>
#endif
