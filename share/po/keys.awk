# keys.awk: the English catalog's keyed entries as a template, the English as a comment
# for the translator (make pot). en.po writes each entry on single lines.
/^msgctxt / { ctx = $0; next }
/^msgid "./ && ctx != "" { id = $0; next }
/^msgstr / && ctx != "" {
	print "#. English: " substr($0, 8)
	print ctx; print id; print "msgstr \"\""; print ""
	ctx = ""
	next
}
