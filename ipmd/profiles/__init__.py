"""Country and region profiles: one place's figures, and several places side by side (compare)."""
