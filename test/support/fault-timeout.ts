// A fault test waits for brokers to stop, restart and catch up: minutes, not the default minute.
jest.setTimeout(180_000);
