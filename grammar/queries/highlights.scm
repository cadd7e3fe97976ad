; Syntax highlighting for the claim draft notation (tree-sitter-claim).
; Capture names follow the common Neovim/Helix set. Captures are kept
; disjoint (no node is captured twice) so editors that let the first pattern
; win and editors that let the last pattern win colour the same way.

(comment) @comment

(string) @string

[
  (date)
  (time)
] @string.special

; Statement keywords.
(claim_statement "claim" @keyword)
(payer_statement "payer" @keyword)
(patient_statement "patient" @keyword)
(provider_statement "provider" @keyword)
(pos_statement "pos" @keyword)
(dx_statement "dx" @keyword)
(order_statement "order" @keyword)
(auth_statement "auth" @keyword)
(history_statement "history" @keyword)
(note_statement "note" @keyword)
(admin_statement "admin" @keyword)
(dose_statement "dose" @keyword)
(route_statement "route" @keyword)
(start_statement "start" @keyword)
(stop_statement "stop" @keyword)
(vial_statement "vial" @keyword)
(waste_statement "waste" @keyword)
(reaction_statement "reaction" @keyword)
(premed_statement "premed" @keyword)
(line_statement "line" @keyword)

; Keywords inside a statement: clauses of a billed line, auth dates, waste
; attributes.
(units_clause "units" @variable.parameter)
(dx_clause "dx" @variable.parameter)
(ndc_clause "ndc" @variable.parameter)
(charge_clause "charge" @variable.parameter)
(on_clause "on" @variable.parameter)
(auth_statement [ "from" "to" ] @variable.parameter)
(waste_attribute key: _ @variable.parameter)

; Fixed values.
(order_statement status: _ @constant.builtin)
(reaction_statement "none" @constant.builtin)
(history_statement outcome: (word) @constant.builtin)
(payer_statement kind: (word) @type)
(route_statement route: (word) @constant.builtin)

; Identifiers and codes.
(claim_statement id: (word) @label)
(patient_statement id: (word) @constant)
(provider_statement npi: [ (word) (number) ] @constant)
(pos_statement code: [ (word) (number) ] @constant)
(dx_statement letter: (word) @label)
(dx_statement code: [ (word) (number) ] @constant)
(auth_statement number: [ (word) (number) ] @constant)
(line_statement code: [ (word) (number) ] @constant)
(line_statement modifier: (word) @attribute)
(dx_clause pointer: [ (word) (number) ] @label)
(ndc_clause ndc: [ (word) (number) ] @constant)
(vial_statement ndc: [ (word) (number) ] @constant)

; The drug of an administration record.
(admin_statement drug: (drug_name) @function)
(admin_statement drug: (string) @function)

; Quantities and their units.
(dose_statement amount: (number) @number)
(vial_statement amount: (number) @number)
(waste_statement amount: (number) @number)
(units_clause value: (number) @number)
(ndc_clause quantity: (number) @number)
(charge_clause amount: (number) @number)
(count) @number

(dose_statement unit: (word) @type)
(vial_statement unit: (word) @type)
(waste_statement unit: (word) @type)
(ndc_clause unit: (word) @type)

"," @punctuation.delimiter
