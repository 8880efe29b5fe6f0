"""The cost core: the interval type and numeric backends, usage formulas, what-ifs applied to the models."""
