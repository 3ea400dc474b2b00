/*
 * modules.h: the tables of functions the modules export (lib/modules.c loads them). A
 * module is one of lib/pdf.c (cairo + pango), lib/mail.c (GMime), lib/ical.c with
 * lib/icaltext.c (libical), built as $(BUILD)/mod/tally-NAME.so with every symbol hidden
 * but its table, `tally_NAME_ops`. What a module calls back in the command is in
 * lib/modules.list. Not for commands: they call the functions of docs.h.
 */
#ifndef TALLY_MODULES_H
#define TALLY_MODULES_H

#include "tally.h"

#define MODULE_TABLE __attribute__((visibility("default")))

struct pdf_ops {
	int (*from_text)(struct out *, const char *, size_t, const struct pdf_opts *,
			 struct terr *);
	struct pdf *(*begin)(struct out *, const struct pdf_opts *, struct terr *);
	void (*text)(struct pdf *, const char *, size_t);
	void (*bars)(struct pdf *, const struct pdf_bar *, size_t, int);
	int (*end)(struct pdf *, struct terr *);
};

struct mail_ops {
	struct mailbox *(*mbox)(struct out *);
	struct mailbox *(*maildir)(const char *, struct terr *);
	int (*add)(struct mailbox *, const struct mail_msg *, struct terr *);
	int (*commit)(struct mailbox *, struct terr *);
	void (*abort)(struct mailbox *);
};

struct ical_ops {
	struct ical *(*new)(void);
	int (*read)(struct ical *, const char *, const struct ical_opts *, struct terr *);
	size_t (*count)(const struct ical *);
	const struct ical_inst *(*at)(const struct ical *, size_t);
	void (*sort)(struct ical *);
	void (*free)(struct ical *);
};

#endif
