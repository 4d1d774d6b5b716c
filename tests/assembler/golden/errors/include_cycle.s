        .include "cycle.inc"
