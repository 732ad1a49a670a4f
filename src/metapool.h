/* metapool.h - the public interface of libmetapool, the one installed
 * header.
 *
 * This is the build's placeholder: it declares the library's version
 * query only, and the full interface (reading descriptors, the analysis
 * object, the reports) replaces it.  Every function declared here is
 * exported from the shared library and nothing else is (Makefile.am,
 * src/libmetapool.sym).
 */
#ifndef METAPOOL_H
#define METAPOOL_H

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library as linked, "MAJOR.MINOR.PATCH" (the package
 * version, PACKAGE_VERSION of configure.ac; not the soname's version).
 * Never fails; the string is static and belongs to the library. */
const char *mp_version(void);

#ifdef __cplusplus
}
#endif

#endif
