/* input.c: which files a command reads, the same way for every command (and as hledger). */
#include <stdlib.h>
#include <unistd.h>

#include "tally.h"

size_t
input_files(char **fopts, size_t nfopts, char **operands, size_t noperands, char ***files)
{
	size_t n = 0, i;
	const char *env;

	*files = xcalloc(nfopts + noperands + 1, sizeof **files);
	for (i = 0; i < nfopts; i++)
		(*files)[n++] = xstrdup(fopts[i]);
	for (i = 0; i < noperands; i++)
		(*files)[n++] = xstrdup(operands[i]);
	if (n == 0) {
		env = getenv("LEDGER_FILE");
		(*files)[n++] = xstrdup(isatty(0) && env && *env ? env : "-");
	}
	return n;
}

void
input_free(char **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
}
