; Folding: a claim and an administration record fold as one block each.
[
  (claim)
  (admin_block)
] @fold
