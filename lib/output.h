/* tally's library: writing: safe output, the one write path, journal text, reports (included by tally.h). */
#ifndef TALLY_OUTPUT_H
#define TALLY_OUTPUT_H

/* ---- safe output (out.c) ------------------------------------------------------------- */

/*
 * Output that can be taken back: a command writes its whole result through out_* and calls
 * out_commit at the end, or out_abort on error, so a failed run never leaves output that
 * looks complete. A regular file is truncated back on abort; a pipe gets a spool that
 * spills to a temporary file past a few MiB; /dev/null and terminals are written directly.
 */
struct out;
struct out *out_open(FILE *f);
void out_write(struct out *o, const void *p, size_t n);
void out_puts(struct out *o, const char *s);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n bytes of text as lines of at most width columns, each after indent, broken at spaces. */
void out_wrap(struct out *o, const char *s, size_t n, const char *indent, size_t width);
/* For a command that writes its stream only through o (no printf to it meanwhile): small
 * writes gather in a buffer of o's own rather than one stdio call each (tally-print). */
void out_gather(struct out *o);
/* Returns 0, or -1 with errno set when writing failed. Frees o. */
int out_commit(struct out *o);
void out_abort(struct out *o);
/* out_commit when r is 0 or more, else out_abort and -1: the end of a writer's run. */
int out_end(struct out *o, int r);
/* Writes the rest of f into o: 0, or -1 when f cannot be read. */
int out_copy(struct out *o, FILE *f);

/*
 * In-place editing (-i FILE) of one file: the write path below with FILE as its only input
 * and output; out_commit commits it. NULL with *e set when FILE cannot be edited.
 */
struct out *out_open_inplace(const char *path, struct terr *e);

/* Closes stdout and reports a write error (full disk): returns 0 or -1. */
int fshut_stdout(const char *prog);

/* ---- the one write path (wpath.c) -------------------------------------------------- */

/*
 * Every file a command writes goes through one set of outputs: each is written to a
 * temporary file beside its target (O_EXCL), with the target's owner, group and mode, and
 * nothing replaces a target until wpath_commit, which fsyncs and closes every file, checks
 * that the journal edited in place did not change since it was read, writes standard
 * output, then renames every file into place (the edited journal last) and fsyncs their
 * directories. A failure anywhere leaves every target as it was.
 *
 *   w = wpath_new(files, nfiles);             the command's named inputs
 *   wpath_add(w, J, WP_EDIT, &o, &e);         -i J: J is replaced, locked meanwhile
 *   wpath_add(w, N, 0, &notes, &e);           another file; NULL: standard output
 *   wpath_open(w, &e);                        lock, create the temporary files
 *   ... write to o and notes; out_commit(x) may finish one file early ...
 *   wpath_commit(w, &e) or wpath_abort(w);    both free w
 *
 * wpath_add checks before anything is opened: an output (or a regular-file standard
 * output) that is one of the inputs, or two outputs that are one file, are refused with
 * WPATH_REFUSED (the command exits 2); -1 is any other failure (exit 1). A symlinked target
 * is followed and the real file replaced, unless WP_NOFOLLOW (files tally names itself in
 * an output directory: a symlink there is replaced, never followed). A device or FIFO
 * target (/dev/stdout) is written at commit instead. WP_EDIT takes an exclusive lock
 * (flock) on the journal that waits for another tally command editing it, so two
 * concurrent -i runs both land; a change by any other program makes the commit fail.
 * wpath_add and wpath_open may be called again to add outputs as they come.
 */
#define WP_EDIT 1
#define WP_NOFOLLOW 2
#define WPATH_REFUSED (-2)
struct wpath;
struct wpath *wpath_new(char *const *inputs, size_t n);
int wpath_add(struct wpath *w, const char *path, int flags, struct out **o, struct terr *e);
int wpath_open(struct wpath *w, struct terr *e);
int wpath_commit(struct wpath *w, struct terr *e);
void wpath_abort(struct wpath *w);
/* For a signal handler that is about to end the process: removes the temporary files only. */
void wpath_unlink_temps(const struct wpath *w);
/* For commands that write only standard output: WPATH_REFUSED with *e set when it is a
 * regular file that is one of the inputs (`tally-print j >> j`), as cat refuses it. */
int wpath_check_stdout(char *const *files, size_t n, struct terr *e);

/* ---- journal writing (write.c) ------------------------------------------------------- */

/*
 * Writes one posting line in the subset ledger and hledger read alike: four-space indent,
 * the account, at least two spaces, the amount in its commodity's style. comment may be NULL.
 */
void write_posting(struct out *o, const char *account, const struct amount *amt,
		   const char *comment);
/* Writes an item's exact text, then `extra` (whole lines to append, may be NULL): a
 * newline is added first when the item's last line had none. Before the item, write_end. */
void write_item(struct out *o, const struct jitem *it, const char *extra, size_t extra_len);
/*
 * Ends what the last item written left open at the end of its file: a missing final
 * newline, a `comment` block without `end comment`. Call it before appending text after
 * the items (write_item does it before each item), never at the very end.
 */
void write_end(struct out *o);

/* ---- report cells (report.c) -------------------------------------------------------- */

/* One CSV cell; text cells that a spreadsheet would run as a formula get a leading '. */
void csv_cell(struct out *o, const char *s, size_t n, bool number);
void json_string(struct out *o, const char *s, size_t n);
/*
 * A value from the data in a header-like line (To:, Subject:, Re:): CR, LF and other
 * control bytes become spaces, so a value can never end its line and start another (Bcc:).
 */
void header_value(struct out *o, const char *s);
void html_text(struct out *o, const char *s, size_t n);
/* Markdown's punctuation (\`*_[]<>|#) backslashed, so text stays text. */
void md_text(struct out *o, const char *s, size_t n);
/* Index of s in the NULL-terminated list, or -1: for -O FORMAT. */
int format_parse(const char *s, const char *const *allowed);

/* ---- key = value files (conf.c) ----------------------------------------------------- */

/*
 * tally.conf and other `key = value` files with `#` comments. A missing file is an empty
 * configuration unless must_exist. Returns NULL with *e set on a bad line (e->file is
 * `path` itself, so it lives as long as the caller's string).
 */
struct conf;
struct conf *conf_load(const char *path, bool must_exist, struct terr *e);
const char *conf_get(const struct conf *c, const char *key);
size_t conf_count(const struct conf *c);
const char *conf_key(const struct conf *c, size_t i, long *line);
const char *conf_file(const struct conf *c);
void conf_free(struct conf *c);

#endif
