"""The ground floor, what every part uses: FLOP conventions and SI prefixes, one number format, exponential fits."""
