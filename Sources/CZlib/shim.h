#ifndef FEDZ_CZLIB_SHIM_H
#define FEDZ_CZLIB_SHIM_H
// zlib, for reading the gzip-compressed IDX files of the data sets.
#include <zlib.h>
#endif
