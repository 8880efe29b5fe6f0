"""Analyses over the catalog: estimate, compare, sweep, break-even, sensitivity and the price diff."""
