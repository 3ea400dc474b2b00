# Palabras de la factura en español que no están en sus plantillas (tally-invoice --lang es).
subject = Factura {{number}} de {{provider-name}}
title = Factura {{number}}
base = Base imponible
label-width = 13
date-format = {dd}/{mm}/{yyyy}
