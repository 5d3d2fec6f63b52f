import type { TemplateItem } from './inspection-template.entity.js';

/** The templates every company starts with, created for a company on its first use of inspections. */
export const STARTER_TEMPLATES: ReadonlyArray<{ key: string; name: string; items: TemplateItem[] }> = [
  {
    key: 'check-out',
    name: 'Vehicle check-out',
    items: [
      { key: 'exterior', label: 'Exterior bodywork and paint' },
      { key: 'tyres', label: 'Tyres, tread depth and wheels' },
      { key: 'lights', label: 'Lights and indicators' },
      { key: 'glass', label: 'Windscreen, windows and mirrors' },
      { key: 'interior', label: 'Interior, seats and seat belts' },
      { key: 'fluids', label: 'Oil, coolant and screen wash' },
      { key: 'documents', label: 'Keys, documents and spare wheel kit' },
    ],
  },
  {
    key: 'check-in',
    name: 'Vehicle check-in',
    items: [
      { key: 'exterior', label: 'Exterior bodywork and paint' },
      { key: 'tyres', label: 'Tyres, tread depth and wheels' },
      { key: 'lights', label: 'Lights and indicators' },
      { key: 'glass', label: 'Windscreen, windows and mirrors' },
      { key: 'interior', label: 'Interior, seats and seat belts' },
      { key: 'cleanliness', label: 'Cleanliness inside and out' },
      { key: 'documents', label: 'Keys and documents returned' },
    ],
  },
  {
    key: 'damage',
    name: 'Damage report',
    items: [
      { key: 'damage-recorded', label: 'Damage located and described' },
      { key: 'photos', label: 'Photographs taken' },
      { key: 'driveable', label: 'Vehicle safe to drive' },
      { key: 'third-party', label: 'Third party involved' },
      { key: 'police', label: 'Police informed (reference noted)' },
    ],
  },
];
