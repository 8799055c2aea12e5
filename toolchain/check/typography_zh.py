"""Chinese typography (GB/T 15834-2011, GB/T 15835-2011, GB 3101): punctuation, spacing, ranges."""
