import type { Language } from '../i18n/index.js';
import type { Plan } from '../plan/types.js';
import { actionViews, callOf, type ActionView } from './action-view.js';
import type { Lesson } from './lesson.js';
import { timelineSvg, type TimelineMark, type TimelineModel } from './timeline-svg.js';

/** The picture of a served lesson, as it stands now, its words in `lang`. */
export function lessonTimelineSvg(l: Lesson, now: number, lang: Language): string {
  return timelineSvg(timelineModel(l.plan, l.views, now), lang);
}

/** A plan (with views, when it runs) as the timeline's model; channels in the plan's order. */
export function timelineModel(plan: Plan, views: readonly ActionView[] = actionViews(plan, []), now?: number): TimelineModel {
  return {
    name: plan.event.name,
    zone: plan.event.zone,
    start: plan.event.start,
    end: plan.event.end,
    channels: Object.keys(plan.channels),
    marks: views.map<TimelineMark>((v) => ({
      id: v.id,
      kind: v.kind,
      channel: v.channel,
      at: v.at,
      ...(v.startsAt !== undefined ? { startsAt: v.startsAt } : {}),
      ...(v.endsAt !== undefined ? { endsAt: v.endsAt } : {}),
      state: v.state,
      ...(v.text !== undefined ? { text: v.text } : {}),
      call: callOf(v),
    })),
    ...(now !== undefined ? { now } : {}),
  };
}
