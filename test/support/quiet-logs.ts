// Integration specs boot whole services; their info-level lines would bury the test report.
process.env.LOG_LEVEL ??= 'warn';
