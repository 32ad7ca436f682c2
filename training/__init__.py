"""Training for the moderation model: public-data loaders, fitting, calibration, reports."""
