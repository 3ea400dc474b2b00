# keys.awk: the English catalog's keyed entries as a template, the English as a comment
# for the translator (make pot). en.po writes each entry on single lines.
BEGIN {
	print "# Template of tally's catalogs: make pot writes it; docs/translating.md."
	print "#, fuzzy"
	print "msgid \"\""
	print "msgstr \"\""
	print "\"Project-Id-Version: tally\\n\""
	print "\"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n\""
	print "\"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n\""
	print "\"Language-Team: LANGUAGE\\n\""
	print "\"Language: \\n\""
	print "\"MIME-Version: 1.0\\n\""
	print "\"Content-Type: text/plain; charset=UTF-8\\n\""
	print "\"Content-Transfer-Encoding: 8bit\\n\""
	print "\"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n\""
	print ""
}
/^msgctxt / { ctx = $0; next }
/^msgid "./ && ctx != "" { id = $0; next }
/^msgstr / && ctx != "" {
	print "#. English: " substr($0, 8)
	print ctx; print id; print "msgstr \"\""; print ""
	ctx = ""
	next
}
