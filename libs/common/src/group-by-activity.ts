/** Items by their activity, in their order within each (an activity's stock is one Redis slot, one lock). */
export function groupByActivity<T extends { activityId: number }>(items: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(item.activityId);
    if (group) group.push(item);
    else groups.set(item.activityId, [item]);
  }
  return groups;
}
