import { DataSource } from 'typeorm';
import { Activity, activitiesTable } from '@app/database';

/** An activity on sale since a minute ago and for a minute more, its row written straight into PostgreSQL. */
export function insertOpenActivity(
  db: DataSource,
  a: { name: string; stock: number; perUserLimit: number },
): Promise<Activity> {
  return activitiesTable.insert(db, {
    ...a,
    startsAt: new Date(Date.now() - 60_000),
    endsAt: new Date(Date.now() + 60_000),
    payTimeoutSeconds: 30,
  });
}
