export { startServe, type ServeOptions, type Serving } from './serve.js';
export { Term, type Rejection, type TermEvent } from './term.js';
export { Lesson, ControlRefused, type LessonPhase, type LessonSource } from './lesson.js';
export { discoverPlaybooks } from './discover.js';
export { timelineSvg, TIMELINE_CSS, type TimelineModel, type TimelineMark } from './timeline-svg.js';
export { timelineModel } from './timeline-model.js';
