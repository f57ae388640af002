import { z } from 'zod';
import { idField, optional, requiredText } from '../db/fields.ts';

export const CategorySchema = z.object({
  name: requiredText('Name', 80),
  parentId: optional(idField('Choose a parent category from the list')),
});

export type CategoryInput = z.output<typeof CategorySchema>;
