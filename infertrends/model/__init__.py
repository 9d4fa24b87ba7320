"""The book's energy model: one accounting chain from the accelerator to the facility, its sourced factors, the
estimate, scenarios, sensitivity, and its validation against measurements."""
