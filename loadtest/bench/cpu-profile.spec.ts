import { CpuProfile, topSelfTime } from './cpu-profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('self time from a .cpuprofile', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)') },
      { id: 2, callFrame: frame('verify', 'file:///repo/node_modules/jsonwebtoken/verify.js', 9) },
      { id: 3, callFrame: frame('verify', 'file:///repo/node_modules/jsonwebtoken/verify.js', 9) },
      { id: 4, callFrame: frame('', '/repo/dist/apps/gateway/src/main.js', 0) },
    ],
    samples: [1, 2, 3, 4, 2],
    timeDeltas: [5_000, 3_000, 1_000, 2_000, 4_000],
  };

  it('when two nodes are the same function, then their samples are summed, idle time left out', () => {
    expect(topSelfTime(profile)).toEqual([
      { fn: 'verify node_modules/jsonwebtoken/verify.js:10', selfMs: 8, share: 80 },
      { fn: '(anonymous) dist/apps/gateway/src/main.js:1', selfMs: 2, share: 20 },
    ]);
  });

  it('when asked for the top one, then only the heaviest function is listed', () => {
    expect(topSelfTime(profile, 1)).toHaveLength(1);
  });
});
