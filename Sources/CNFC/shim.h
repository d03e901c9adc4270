// libnfc: everything Swift needs imports directly from the header.
#include <nfc/nfc.h>
