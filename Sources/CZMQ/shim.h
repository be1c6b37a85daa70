#ifndef FEDZ_CZMQ_SHIM_H
#define FEDZ_CZMQ_SHIM_H
// libzmq (Debian libzmq3-dev) plus the few system headers the I/O loop needs.
// Function-like macros do not import into Swift, so the values used are re-exported
// as constants here.
#include <zmq.h>
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

static const int fedz_EAGAIN = EAGAIN;
static const int fedz_EINTR = EINTR;
static const int fedz_ETERM = ETERM;
static const int fedz_EFSM = EFSM;
static const short fedz_POLLIN = ZMQ_POLLIN;
static const short fedz_POLLOUT = ZMQ_POLLOUT;
#endif
